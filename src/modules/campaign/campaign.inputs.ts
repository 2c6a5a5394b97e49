import { Field, Float, InputType } from 'type-graphql';
import { Channel } from '../../common/graphql/enums';

@InputType()
export class CampaignFilter {
  @Field(() => [Channel], { nullable: true }) channels?: Channel[] | null;
}

@InputType()
export class CampaignInput {
  @Field() externalId: string;
  @Field() name: string;
  @Field(() => Channel) channel: Channel;
  @Field(() => Date, { nullable: true }) startsAt?: Date | null;
  @Field(() => Date, { nullable: true }) endsAt?: Date | null;
  @Field(() => Float, { nullable: true }) budget?: number | null;
}

@InputType()
export class CampaignSpendInput {
  @Field() campaignExternalId: string;
  @Field({ description: 'The day the money was spent (UTC date; time of day is ignored).' }) day: Date;
  @Field(() => Float) amount: number;
}
