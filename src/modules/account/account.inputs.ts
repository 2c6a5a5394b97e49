import { Field, InputType, Int } from 'type-graphql';

@InputType()
export class AccountInput {
  @Field() externalId: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) domain?: string | null;
  @Field(() => String, { nullable: true }) industry?: string | null;
  @Field(() => String, { nullable: true }) region?: string | null;
  @Field(() => Int, { nullable: true }) employees?: number | null;
  @Field(() => Date, { nullable: true }) createdAt?: Date | null;
}
