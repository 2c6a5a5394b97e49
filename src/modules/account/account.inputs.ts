import { Field, InputType, Int } from 'type-graphql';

@InputType()
export class AccountInput {
  @Field({ description: "The account's id in the system it comes from; the key an upsert is matched on." })
  externalId: string;
  @Field(() => String, { nullable: true, description: 'Required to create an account; an update may leave it out.' })
  name?: string | null;
  @Field(() => String, { nullable: true }) domain?: string | null;
  @Field(() => String, { nullable: true }) industry?: string | null;
  @Field(() => String, { nullable: true }) region?: string | null;
  @Field(() => Int, { nullable: true }) employees?: number | null;
  @Field(() => Date, { nullable: true }) createdAt?: Date | null;
}
