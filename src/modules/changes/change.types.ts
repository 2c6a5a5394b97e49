import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Deal } from '../deal/deal.type';
import { Lead } from '../lead/lead.type';

export enum ChangeOp {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
}
registerEnumType(ChangeOp, { name: 'ChangeOp', description: 'What a committed write did to the record.' });

@ObjectType({
  simpleResolvers: true,
  description: 'A committed change to a deal: created, or its row updated (stage, amount, outcome, owner, version).',
})
export class DealChange {
  @Field(() => ChangeOp) op: ChangeOp;
  @Field(() => Deal, { nullable: true, description: 'The deal as it is now (null if it is gone).' }) deal: unknown;
}

@ObjectType({
  simpleResolvers: true,
  description: 'A committed change to a lead: created, or its row updated (stage, status, milestones, owner, data).',
})
export class LeadChange {
  @Field(() => ChangeOp) op: ChangeOp;
  @Field(() => Lead, { nullable: true, description: 'The lead as it is now (null if it is gone).' }) lead: unknown;
}
