import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DealStatus } from '../../common/graphql/enums';
import { ConnectionType } from '../../common/graphql/connection.type';

export interface DealRow {
  id: string;
  externalId: string | null;
  name: string;
  amount: number;
  stageKey: string;
  status: DealStatus;
  accountId: string | null;
  ownerId: string | null;
  createdAt: Date;
  closedAt: Date | null;
  expectedCloseDate: Date | null;
  lostReason: string | null;
  version: number;
  updatedAt: Date;
  archivedAt: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class Deal {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) externalId: string | null;
  @Field() name: string;
  @Field(() => Float) amount: number;
  // stage, account, owner, leads, stageHistory: field resolvers
  @Field(() => DealStatus) status: DealStatus;
  @Field({ description: 'When the opportunity was created (its first stage entry).' }) createdAt: Date;
  @Field(() => Date, {
    nullable: true,
    description: "When the deal's final outcome (WON or LOST) was reached; null while open.",
  })
  closedAt: Date | null;
  @Field(() => Date, { nullable: true }) expectedCloseDate: Date | null;
  @Field(() => String, { nullable: true }) lostReason: string | null;
  @Field(() => Int, { description: 'Optimistic-concurrency version; every write increments it.' }) version: number;
  @Field({ description: 'When anything of the record last changed, derived state included (see updatedSince).' })
  updatedAt: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'When the record was archived (hidden from lists and analytics until restored); null while active.',
  })
  archivedAt: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class DealStageChange {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) fromStage: string | null;
  @Field() toStage: string;
  @Field(() => Float, { nullable: true }) amount: number | null;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field() occurredAt: Date;
  @Field() recordedAt: Date;
  @Field(() => String, { nullable: true }) actor: string | null;
}

export const DealConnection = ConnectionType('Deal', Deal);
