import { ArgsType, Field, Int } from 'type-graphql';

export const DEFAULT_PAGE = 20;

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE,
    description: 'How many items to return from the start (or after `after`), 1 to 100.',
  })
  first?: number | null;
  @Field(() => String, {
    nullable: true,
    description: "Return items after this cursor (an edge's cursor or pageInfo.endCursor of the same list and order).",
  })
  after?: string | null;
}

/** A root list's paging: forward (first/after) and backward (last/before), as Relay's connection spec has them. */
@ArgsType()
export class ListArgs extends PageArgs {
  @Field(() => Int, {
    nullable: true,
    description:
      'How many items to return from the end (or before `before`), 1 to 100; when given, `first` is ignored.',
  })
  last?: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'Return items before this cursor (pageInfo.startCursor of the page after, same list and order).',
  })
  before?: string | null;
}
