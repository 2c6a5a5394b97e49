import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../../common/graphql/connection.type';

@ObjectType({ simpleResolvers: true })
export class Account {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) externalId: string | null;
  @Field() name: string;
  @Field(() => String, { nullable: true }) domain: string | null;
  @Field(() => String, { nullable: true }) industry: string | null;
  @Field(() => String, { nullable: true }) region: string | null;
  @Field(() => Int, { nullable: true }) employees: number | null;
  @Field() createdAt: Date;
  // leads, deals: field resolvers
}

export const AccountConnection = ConnectionType('Account', Account);
