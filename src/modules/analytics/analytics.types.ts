import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ConversionBasis {
  COHORT = 'COHORT',
  FLOW = 'FLOW',
}
export enum SkippedStagePolicy {
  INFER = 'INFER',
  STRICT = 'STRICT',
}
export enum FunnelBreakdown {
  CHANNEL = 'CHANNEL',
  CAMPAIGN = 'CAMPAIGN',
  INDUSTRY = 'INDUSTRY',
  REGION = 'REGION',
  OWNER = 'OWNER',
}
registerEnumType(ConversionBasis, { name: 'ConversionBasis' });
registerEnumType(SkippedStagePolicy, { name: 'SkippedStagePolicy' });
registerEnumType(FunnelBreakdown, { name: 'FunnelBreakdown' });

@ObjectType({
  simpleResolvers: true,
  description:
    'numerator / denominator; value is null when the denominator is 0. Re-aggregate with numerator and denominator.',
})
export class Ratio {
  @Field(() => Float) numerator: number;
  @Field(() => Float) denominator: number;
  @Field(() => Float, { nullable: true }) value: number | null;
}

@ObjectType({ simpleResolvers: true })
export class DurationStats {
  @Field(() => Int) count: number;
  @Field(() => Float, { nullable: true }) mean: number | null;
  @Field(() => Float, { nullable: true }) median: number | null;
}

@ObjectType({ simpleResolvers: true })
export class FunnelStep {
  @Field() stage: string;
  @Field() label: string;
  @Field(() => Int) count: number;
  @Field(() => Int) inferredCount: number;
  @Field(() => Ratio, { nullable: true }) conversionFromPrevious: Ratio | null;
  @Field(() => Ratio) conversionFromFirst: Ratio;
  @Field(() => Int, { nullable: true, description: 'COHORT only; null for FLOW.' }) dropOff: number | null;
  @Field(() => DurationStats, {
    nullable: true,
    description: "Days from the previous step's reach to this one's, over the units counted here.",
  })
  daysFromPrevious: DurationStats | null;
}

@ObjectType({ simpleResolvers: true })
export class FunnelGroup {
  @Field() key: string;
  @Field(() => [FunnelStep]) steps: FunnelStep[];
  /** Set when the key is a campaign id (CAMPAIGN breakdown): `label` is then the campaign's name. */
  campaign?: boolean;
}

@ObjectType({ simpleResolvers: true })
export class FunnelReport {
  @Field(() => ConversionBasis) basis: ConversionBasis;
  @Field() from: Date;
  @Field() to: Date;
  @Field() asOf: Date;
  @Field(() => [FunnelStep]) steps: FunnelStep[];
  @Field() isComplete: boolean;
  @Field(() => [FunnelGroup]) groups: FunnelGroup[];
}
