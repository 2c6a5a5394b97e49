import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Channel } from '../../common/graphql/enums';
import { ConnectionType } from '../../common/graphql/connection.type';

@ObjectType({ simpleResolvers: true })
export class Campaign {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) externalId: string | null;
  @Field() name: string;
  @Field(() => Channel) channel: Channel;
  @Field(() => Date, { nullable: true }) startsAt: Date | null;
  @Field(() => Date, { nullable: true }) endsAt: Date | null;
  @Field(() => Float, { nullable: true }) budget: number | null;
  @Field() createdAt: Date;
  @Field({ description: 'When anything of the record last changed, derived state included (see updatedSince).' })
  updatedAt: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'When the record was archived (hidden from lists and analytics until restored); null while active.',
  })
  archivedAt: Date | null;
  // spend(from, to): field resolver
}

export const CampaignConnection = ConnectionType('Campaign', Campaign);
