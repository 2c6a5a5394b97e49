import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Channel, LeadEvent, LeadStatus, LifecycleStage, RejectionReason } from '../../common/graphql/enums';
import { ConnectionType } from '../../common/graphql/connection.type';

/** What the lead SQL returns: the API fields plus the foreign keys field resolvers follow. */
export interface LeadRow {
  id: string;
  externalId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  title: string | null;
  accountId: string | null;
  ownerId: string | null;
  source: Channel | null;
  score: number | null;
  stage: LifecycleStage;
  status: LeadStatus;
  rejectionReason: RejectionReason | null;
  createdAt: Date;
  mqlAt: Date | null;
  salAt: Date | null;
  sqlAt: Date | null;
  opportunityAt: Date | null;
  customerAt: Date | null;
  updatedAt: Date;
  archivedAt: Date | null;
  mergedIntoId: string | null;
  personalDataErasedAt: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class Lead {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) externalId: string | null;
  // email, firstName, lastName: field resolvers (personal data, null for ANALYST)
  @Field(() => String, { nullable: true }) title: string | null;
  @Field(() => Channel, { nullable: true }) source: Channel | null;
  @Field(() => Int, { nullable: true }) score: number | null;
  @Field(() => LifecycleStage) stage: LifecycleStage;
  @Field(() => LeadStatus) status: LeadStatus;
  @Field(() => RejectionReason, { nullable: true }) rejectionReason: RejectionReason | null;
  @Field() createdAt: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'First time the lead reached each ladder stage, skipped stages inferred (definitions.md).',
  })
  mqlAt: Date | null;
  @Field(() => Date, { nullable: true }) salAt: Date | null;
  @Field(() => Date, { nullable: true }) sqlAt: Date | null;
  @Field(() => Date, { nullable: true }) opportunityAt: Date | null;
  @Field(() => Date, { nullable: true }) customerAt: Date | null;
  @Field({ description: 'When anything of the record last changed, derived state included (see updatedSince).' })
  updatedAt: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'When the record was archived (hidden from lists and analytics until restored); null while active.',
  })
  archivedAt: Date | null;
  @Field(() => Date, {
    nullable: true,
    description: "When the lead's personal data was erased on request (eraseLeadPersonalData); null otherwise.",
  })
  personalDataErasedAt: Date | null;
  // mergedInto: field resolver
}

@ObjectType({ simpleResolvers: true })
export class LeadStageChange {
  @Field(() => ID) id: string;
  @Field(() => LeadEvent) event: LeadEvent;
  @Field(() => LifecycleStage, { nullable: true }) fromStage: LifecycleStage | null;
  @Field(() => LifecycleStage, { nullable: true }) toStage: LifecycleStage | null;
  @Field(() => RejectionReason, { nullable: true }) reason: RejectionReason | null;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field() occurredAt: Date;
  @Field() recordedAt: Date;
  @Field(() => String, { nullable: true }) actor: string | null;
  @Field(() => Int, { nullable: true }) qualificationVersion: number | null;
}

export const LeadConnection = ConnectionType('Lead', Lead);
