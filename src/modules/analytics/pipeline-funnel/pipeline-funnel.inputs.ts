import { Field, Float, ID, InputType } from 'type-graphql';
import { ConversionBasis, FunnelBreakdown, SkippedStagePolicy } from '../analytics.types';

@InputType()
export class PipelineFunnelInput {
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => Date, { nullable: true }) asOf?: Date | null;
  @Field(() => ConversionBasis, { nullable: true, defaultValue: ConversionBasis.COHORT })
  basis?: ConversionBasis | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Pipeline stage keys on the ladder, in rank order; default: the OPEN stages then WON.',
  })
  steps?: string[] | null;
  @Field(() => Float, { nullable: true }) conversionWindowDays?: number | null;
  @Field(() => SkippedStagePolicy, { nullable: true, defaultValue: SkippedStagePolicy.INFER })
  skippedStages?: SkippedStagePolicy | null;
  @Field(() => FunnelBreakdown, { nullable: true }) breakdown?: FunnelBreakdown | null;
  @Field(() => [ID], { nullable: true }) ownerIds?: string[] | null;
}
