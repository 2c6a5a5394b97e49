import { Field, Float, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Channel } from '../../../common/graphql/enums';
import { Interval, Weekday } from '../core/buckets.query';

export enum KpiMetric {
  LEADS = 'LEADS',
  MQLS = 'MQLS',
  SALS = 'SALS',
  SQLS = 'SQLS',
  OPPORTUNITIES = 'OPPORTUNITIES',
  PIPELINE_CREATED = 'PIPELINE_CREATED',
  WON_DEALS = 'WON_DEALS',
  LOST_DEALS = 'LOST_DEALS',
  REVENUE = 'REVENUE',
  WIN_RATE = 'WIN_RATE',
  AVERAGE_DEAL_SIZE = 'AVERAGE_DEAL_SIZE',
  MQL_TO_SQL_RATE = 'MQL_TO_SQL_RATE',
  LEAD_REJECTION_RATE = 'LEAD_REJECTION_RATE',
  SLA_COMPLIANCE = 'SLA_COMPLIANCE',
  SPEND = 'SPEND',
  CAC = 'CAC',
  MARKETING_SOURCED_REVENUE = 'MARKETING_SOURCED_REVENUE',
  MARKETING_INFLUENCED_REVENUE = 'MARKETING_INFLUENCED_REVENUE',
}
registerEnumType(KpiMetric, { name: 'KpiMetric' });
registerEnumType(Interval, { name: 'Interval' });
registerEnumType(Weekday, { name: 'Weekday' });

@InputType()
export class KpiSeriesInput {
  @Field(() => [KpiMetric]) metrics: KpiMetric[];
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => Interval) interval: Interval;
  @Field(() => String, { nullable: true, defaultValue: 'UTC' }) timeZone?: string | null;
  @Field(() => Weekday, { nullable: true, defaultValue: Weekday.MONDAY }) weekStart?: Weekday | null;
  @Field(() => Date, { nullable: true }) asOf?: Date | null;
  @Field(() => [Channel], { nullable: true }) sources?: Channel[] | null;
}

@ObjectType({ simpleResolvers: true, description: 'One tidy row per metric and bucket: what BI tools want.' })
export class KpiPoint {
  @Field(() => KpiMetric) metric: KpiMetric;
  @Field() periodStart: Date;
  @Field() periodEnd: Date;
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field(() => Float, { nullable: true }) numerator: number | null;
  @Field(() => Float, { nullable: true }) denominator: number | null;
}
