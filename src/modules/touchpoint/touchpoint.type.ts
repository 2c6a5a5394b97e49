import { Field, ID, ObjectType } from 'type-graphql';
import { Channel, TouchpointType } from '../../common/graphql/enums';
import { ConnectionType } from '../../common/graphql/connection.type';

export interface TouchpointRow {
  id: string;
  externalId: string | null;
  leadId: string;
  campaignId: string;
  channel: Channel;
  type: TouchpointType;
  occurredAt: Date;
}

@ObjectType({ simpleResolvers: true })
export class Touchpoint {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) externalId: string | null;
  // lead, campaign: field resolvers
  @Field(() => Channel) channel: Channel;
  @Field(() => TouchpointType) type: TouchpointType;
  @Field() occurredAt: Date;
}

export const TouchpointConnection = ConnectionType('Touchpoint', Touchpoint);
