import { Field, Float, ID, InputType } from 'type-graphql';
import { Channel, LifecycleStage } from '../../../common/graphql/enums';
import { ConversionBasis, FunnelBreakdown, SkippedStagePolicy } from '../analytics.types';

@InputType()
export class FunnelInput {
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => Date, { nullable: true }) asOf?: Date | null;
  @Field(() => ConversionBasis, { nullable: true, defaultValue: ConversionBasis.COHORT })
  basis?: ConversionBasis | null;
  @Field(() => [LifecycleStage], {
    nullable: true,
    description: 'Ladder stages to show, in rank order; default: the whole lifecycle ladder.',
  })
  steps?: LifecycleStage[] | null;
  @Field(() => Float, { nullable: true }) conversionWindowDays?: number | null;
  @Field(() => SkippedStagePolicy, { nullable: true, defaultValue: SkippedStagePolicy.INFER })
  skippedStages?: SkippedStagePolicy | null;
  @Field(() => FunnelBreakdown, { nullable: true }) breakdown?: FunnelBreakdown | null;
  @Field(() => [Channel], { nullable: true }) sources?: Channel[] | null;
  @Field(() => [ID], { nullable: true }) ownerIds?: string[] | null;
}
