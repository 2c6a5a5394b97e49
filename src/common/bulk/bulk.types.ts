import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum BulkOutcome {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  UNCHANGED = 'UNCHANGED',
  FAILED = 'FAILED',
}
registerEnumType(BulkOutcome, {
  name: 'BulkOutcome',
  description: 'What one item of a bulk call did to the stored data.',
  valuesConfig: {
    CREATED: { description: 'A new record (or log entry) was written.' },
    UPDATED: { description: 'An existing record was changed; its version went up.' },
    UNCHANGED: {
      description: 'The item equals what is stored (a sync run again): nothing was written, no version bump.',
    },
    FAILED: { description: 'Nothing was written for this item; `errors` says why.' },
  },
});

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
  @Field(() => BulkOutcome, {
    description: 'CREATED, UPDATED or UNCHANGED when the item succeeded; FAILED (with errors) when it did not.',
  })
  outcome: BulkOutcome;
  @Field() success: boolean;
  @Field(() => [ItemError]) errors: ItemError[];
}

@ObjectType({ simpleResolvers: true })
export class BulkResult {
  @Field(() => [BulkItemResult]) results: BulkItemResult[];
  @Field(() => Int) successCount: number;
  @Field(() => Int) errorCount: number;
}
