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
  @Field({ description: 'When anything of the record last changed, derived state included (see updatedSince).' })
  updatedAt: Date;
  @Field(() => Date, {
    nullable: true,
    description: 'When the record was archived (hidden from lists and analytics until restored); null while active.',
  })
  archivedAt: Date | null;
  mergedIntoId: string | null;
  // leads, deals, mergedInto: field resolvers
}

export const AccountConnection = ConnectionType('Account', Account);
