import { Field, ID, InputType, Int } from 'type-graphql';
import {
  Channel,
  LeadEvent,
  LeadStatus,
  LifecycleStage,
  OrderDirection,
  RejectionReason,
} from '../../common/graphql/enums';
import { registerEnumType } from 'type-graphql';
import { ListFilterFields } from '../../common/graphql/list-filter';

export enum LeadOrderField {
  CREATED_AT = 'CREATED_AT',
  SCORE = 'SCORE',
  UPDATED_AT = 'UPDATED_AT',
}
registerEnumType(LeadOrderField, { name: 'LeadOrderField' });

@InputType({
  description:
    'Narrows the leads list; every given field must hold. search matches email, first and last name and externalId ' +
    '(externalId only for ANALYST, who may not see personal data).',
})
export class LeadFilter extends ListFilterFields {
  @Field(() => [LifecycleStage], { nullable: true }) stages?: LifecycleStage[] | null;
  @Field(() => [LeadStatus], { nullable: true }) statuses?: LeadStatus[] | null;
  @Field(() => [Channel], { nullable: true }) sources?: Channel[] | null;
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
  @Field(() => ID, { nullable: true }) accountId?: string | null;
  @Field(() => Date, { nullable: true }) createdFrom?: Date | null;
  @Field(() => Date, { nullable: true }) createdTo?: Date | null;
}

@InputType()
export class LeadOrder {
  @Field(() => LeadOrderField) field: LeadOrderField;
  @Field(() => OrderDirection) direction: OrderDirection;
}

@InputType()
export class LeadInput {
  @Field() externalId: string;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => String, { nullable: true }) title?: string | null;
  @Field(() => String, { nullable: true }) accountExternalId?: string | null;
  @Field(() => String, { nullable: true }) ownerEmail?: string | null;
  @Field(() => Channel, { nullable: true }) source?: Channel | null;
  @Field(() => Int, { nullable: true }) score?: number | null;
  @Field(() => Date, {
    nullable: true,
    description: 'When the lead entered the funnel (its LEAD event). Defaults to now on create.',
  })
  createdAt?: Date | null;
}

@InputType()
export class LeadStageChangeInput {
  @Field() leadExternalId: string;
  @Field(() => LeadEvent) event: LeadEvent;
  @Field(() => Date, {
    nullable: true,
    description:
      "When it happened. Left out: now, unless the event is already the lead's latest (then a no-op, UNCHANGED).",
  })
  occurredAt?: Date | null;
  @Field(() => RejectionReason, { nullable: true }) reason?: RejectionReason | null;
  @Field(() => String, { nullable: true }) note?: string | null;
}

@InputType()
export class MoveLeadStageInput {
  @Field(() => ID) leadId: string;
  @Field(() => LeadEvent) event: LeadEvent;
  @Field(() => Date, { nullable: true }) occurredAt?: Date | null;
  @Field(() => RejectionReason, { nullable: true }) reason?: RejectionReason | null;
  @Field(() => String, { nullable: true }) note?: string | null;
}
