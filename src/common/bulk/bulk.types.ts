import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true })
export class ItemError {
  @Field({ description: 'Stable machine code, e.g. NOT_FOUND, BAD_USER_INPUT, DUPLICATE_IN_REQUEST, CONFLICT.' })
  code: string;
  @Field() message: string;
  @Field(() => String, { nullable: true, description: 'The input field the error is about, when there is one.' })
  field: string | null;
}

@ObjectType({ simpleResolvers: true })
export class BulkItemResult {
  @Field(() => Int) index: number;
  @Field(() => String, { nullable: true }) externalId: string | null;
  @Field(() => ID, { nullable: true }) id: string | null;
  @Field() created: boolean;
  @Field() success: boolean;
  @Field(() => [ItemError]) errors: ItemError[];
}

@ObjectType({ simpleResolvers: true })
export class BulkResult {
  @Field(() => [BulkItemResult]) results: BulkItemResult[];
  @Field(() => Int) successCount: number;
  @Field(() => Int) errorCount: number;
}
