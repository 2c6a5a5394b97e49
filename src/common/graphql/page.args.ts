import { ArgsType, Field, Int } from 'type-graphql';

export const DEFAULT_PAGE = 20;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE }) first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
}
