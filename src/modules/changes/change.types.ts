import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Deal } from '../deal/deal.type';
import { Lead } from '../lead/lead.type';

export enum ChangeOp {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
}
registerEnumType(ChangeOp, {
  name: 'ChangeOp',
  description: 'What a committed write did to the record.',
  valuesConfig: {
    CREATED: { description: 'The record was created (by this transaction).' },
    UPDATED: { description: 'The record changed: its own fields or what is derived from its history.' },
  },
});

const CURSOR =
  'Where this event is in the change stream: pass it as `after` when subscribing again to get every later event ' +
  'exactly once (within the retention, CHANGE_RETENTION_DAYS).';

@ObjectType({
  simpleResolvers: true,
  description: 'A committed change to a deal: created, or its row updated (stage, amount, outcome, owner, version).',
})
export class DealChange {
  @Field(() => ChangeOp, { description: 'Created or updated.' }) op: ChangeOp;
  @Field(() => Deal, { nullable: true, description: 'The deal as it is now (null if it is gone).' }) deal: unknown;
  @Field({ description: CURSOR }) cursor: string;
  @Field({ description: 'When the writing transaction started.' }) occurredAt: Date;
  @Field(() => Int, {
    nullable: true,
    description: "The record's version this change left (the deal field shows the record as it is when read).",
  })
  version: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A committed change to a lead: created, or its row updated (stage, status, milestones, owner, data).',
})
export class LeadChange {
  @Field(() => ChangeOp, { description: 'Created or updated.' }) op: ChangeOp;
  @Field(() => Lead, { nullable: true, description: 'The lead as it is now (null if it is gone).' }) lead: unknown;
  @Field({ description: CURSOR }) cursor: string;
  @Field({ description: 'When the writing transaction started.' }) occurredAt: Date;
  @Field(() => Int, {
    nullable: true,
    description: "The record's version this change left (the lead field shows the record as it is when read).",
  })
  version: number | null;
}
