import { Field, Float, ID, InputType, ObjectType } from 'type-graphql';
import { Ratio } from '../analytics.types';
import { KpiMetric } from './kpi-series.types';

@ObjectType({ simpleResolvers: true })
export class KpiTarget {
  @Field(() => ID) id: string;
  @Field(() => KpiMetric) metric: KpiMetric;
  @Field() periodStart: Date;
  @Field() periodEnd: Date;
  @Field(() => Float) target: number;
  @Field(() => Float, { nullable: true }) actual: number | null;
  @Field(() => Ratio) attainment: Ratio;
}

@InputType()
export class KpiTargetInput {
  @Field(() => KpiMetric) metric: KpiMetric;
  @Field() periodStart: Date;
  @Field() periodEnd: Date;
  @Field(() => Float) target: number;
}
