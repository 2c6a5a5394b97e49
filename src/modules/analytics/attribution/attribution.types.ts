import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Channel } from '../../../common/graphql/enums';
import { Ratio } from '../analytics.types';
import { Campaign } from '../../campaign/campaign.type';

export enum AttributionModel {
  FIRST_TOUCH = 'FIRST_TOUCH',
  LAST_TOUCH = 'LAST_TOUCH',
  LINEAR = 'LINEAR',
  U_SHAPED = 'U_SHAPED',
  W_SHAPED = 'W_SHAPED',
  FULL_PATH = 'FULL_PATH',
  TIME_DECAY = 'TIME_DECAY',
  MARKOV = 'MARKOV',
  SHAPLEY = 'SHAPLEY',
}
export enum AttributionGroupBy {
  CAMPAIGN = 'CAMPAIGN',
  CHANNEL = 'CHANNEL',
}
registerEnumType(AttributionModel, { name: 'AttributionModel' });
registerEnumType(AttributionGroupBy, { name: 'AttributionGroupBy' });

@InputType()
export class AttributionInput {
  @Field(() => AttributionModel) model: AttributionModel;
  @Field({ description: 'Won deals whose closedAt is in [from, to).' }) from: Date;
  @Field() to: Date;
  @Field(() => Date, { nullable: true }) asOf?: Date | null;
  @Field(() => AttributionGroupBy, { nullable: true, defaultValue: AttributionGroupBy.CAMPAIGN })
  groupBy?: AttributionGroupBy | null;
  @Field(() => Int, {
    nullable: true,
    defaultValue: 365,
    description: "Touchpoints count from this many days before the deal's creation up to its close.",
  })
  lookbackDays?: number | null;
  @Field(() => Float, {
    nullable: true,
    defaultValue: 7,
    description: 'TIME_DECAY: credit halves every halfLifeDays before the close.',
  })
  halfLifeDays?: number | null;
}

@ObjectType()
export class AttributionRow {
  @Field({ description: 'Campaign id or channel name.' }) key: string;
  // label, channel, campaign: field resolvers (campaigns through the per-request loader)
  @Field(() => Float, { description: 'Attributed won revenue.' }) revenue: number;
  @Field(() => Float, { description: 'Attributed won deals (fractional).' }) deals: number;
  @Field(() => Int) touchpoints: number;
  @Field(() => Float, { description: 'Spend in [from, to) of the campaign (or channel).' }) spend: number;
  @Field(() => Ratio, { description: '(revenue - spend) / spend.' }) roi: Ratio;
  @Field(() => Ratio, { description: 'revenue / spend.' }) roas: Ratio;
  /** Set when grouped by channel; the campaign's otherwise (from the loader). */
  groupChannel: Channel | null;
  /** By campaign: the campaign as the report's statement read it (primes the per-request loader). */
  embeddedCampaign?: Campaign | null;
}

@ObjectType({ simpleResolvers: true })
export class AttributionReport {
  @Field(() => AttributionModel) model: AttributionModel;
  @Field() from: Date;
  @Field() to: Date;
  @Field() asOf: Date;
  @Field(() => Int) wonDeals: number;
  @Field(() => Float) revenue: number;
  @Field(() => Float) attributedRevenue: number;
  @Field(() => Float, { description: 'Won revenue of deals with no eligible touchpoint.' }) unattributedRevenue: number;
  @Field(() => Int) unattributedDeals: number;
  @Field(() => [AttributionRow]) rows: AttributionRow[];
}
