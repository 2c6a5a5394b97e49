import { Field, Float, InputType } from 'type-graphql';
import { Channel } from '../../common/graphql/enums';
import { ListFilterFields } from '../../common/graphql/list-filter';

@InputType({ description: 'Narrows the campaigns list. search matches name and externalId.' })
export class CampaignFilter extends ListFilterFields {
  @Field(() => [Channel], { nullable: true }) channels?: Channel[] | null;
}

@InputType()
export class CampaignInput {
  @Field({ description: "The campaign's id in the system it comes from; the key an upsert is matched on." })
  externalId: string;
  @Field(() => String, { nullable: true, description: 'Required to create a campaign; an update may leave it out.' })
  name?: string | null;
  @Field(() => Channel, {
    nullable: true,
    description:
      "Required to create a campaign; an update may leave it out. Changing it moves the campaign's touchpoints along.",
  })
  channel?: Channel | null;
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
