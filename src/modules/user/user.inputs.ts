import { Field, InputType } from 'type-graphql';
import { Role } from '../../common/graphql/enums';

@InputType()
export class UserInput {
  @Field() email: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Role) role: Role;
}
