import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Channel, RejectionReason } from '../../../common/graphql/enums';
import { DurationStats, Ratio } from '../analytics.types';

@InputType()
export class KpiInput {
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => Date, { nullable: true }) asOf?: Date | null;
  @Field(() => Float, { nullable: true }) conversionWindowDays?: number | null;
  @Field(() => Float, { nullable: true }) slaHours?: number | null;
  @Field(() => [Channel], { nullable: true }) sources?: Channel[] | null;
  @Field(() => [ID], { nullable: true }) ownerIds?: string[] | null;
}

@ObjectType({ simpleResolvers: true })
export class ReasonCount {
  @Field(() => RejectionReason) reason: RejectionReason;
  @Field(() => Int) count: number;
}

@ObjectType({ simpleResolvers: true })
export class KpiReport {
  @Field() from: Date;
  @Field() to: Date;
  @Field() asOf: Date;
  @Field(() => Int) leads: number;
  @Field(() => Int) mqls: number;
  @Field(() => Int) sals: number;
  @Field(() => Int) sqls: number;
  @Field(() => Int) opportunities: number;
  @Field(() => Float) pipelineCreated: number;
  @Field(() => Int) wonDeals: number;
  @Field(() => Int) lostDeals: number;
  @Field(() => Float) revenue: number;
  @Field(() => Ratio) winRate: Ratio;
  @Field(() => Ratio) winRateByValue: Ratio;
  @Field(() => Float, { nullable: true }) averageDealSize: number | null;
  @Field(() => DurationStats) salesCycleDays: DurationStats;
  @Field(() => Ratio) mqlToSqlRate: Ratio;
  @Field(() => Ratio) leadRejectionRate: Ratio;
  @Field(() => [ReasonCount]) rejectionReasons: ReasonCount[];
  @Field(() => DurationStats) leadResponseHours: DurationStats;
  @Field(() => Ratio) slaCompliance: Ratio;
  @Field(() => Float) spend: number;
  @Field(() => Int) newCustomers: number;
  @Field(() => Float, { nullable: true }) cac: number | null;
  @Field(() => Float) marketingSourcedRevenue: number;
  @Field(() => Float) marketingInfluencedRevenue: number;
  @Field(() => Float) openPipeline: number;
  @Field(() => Float) weightedPipeline: number;
  @Field(() => Float, { nullable: true }) pipelineVelocity: number | null;
}
