import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../../common/graphql/enums';

@ObjectType({ simpleResolvers: true })
export class User {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field(() => String, { nullable: true }) name: string | null;
  @Field(() => Role) role: Role;
}
