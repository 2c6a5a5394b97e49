import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { WRITERS } from '../../common/auth/viewer';
import { BulkResult } from '../../common/bulk/bulk.types';
import { Connection } from '../../common/graphql/connection.type';
import { dbId } from '../../common/graphql/ids';
import { page } from '../../common/graphql/page';
import { ListArgs, PageArgs } from '../../common/graphql/page.args';
import { Context, Deps } from '../../context';
import { DealConnection } from '../deal/deal.type';
import { DealRow } from '../deal/deal.type';
import { LeadConnection, LeadRow } from '../lead/lead.type';
import { AccountFilter, AccountInput, AccountOrder } from './account.inputs';
import { accountSort, accountsByExternalIds, countAccounts, listAccounts } from './account.repository';
import { upsertAccounts } from './account.service';
import { Account, AccountConnection } from './account.type';

@Authorized()
@Resolver(() => Account)
export class AccountResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => Account, { nullable: true })
  account(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Account | null> {
    const key = dbId(id);
    return key ? ctx.loaders.account.load(key) : Promise.resolve(null);
  }

  @Query(() => Account, { nullable: true, description: 'The account with this externalId, or null.' })
  async accountByExternalId(@Arg('externalId') externalId: string): Promise<Account | null> {
    return (await accountsByExternalIds(this.deps.ds, [externalId]))[0] ?? null;
  }

  @Query(() => AccountConnection)
  accounts(
    @Args() args: ListArgs,
    @Arg('filter', () => AccountFilter, { nullable: true }) filter: AccountFilter | null,
    @Arg('orderBy', () => AccountOrder, { nullable: true }) orderBy: AccountOrder | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Account>> {
    const sort = accountSort(orderBy);
    return page(
      args,
      info,
      sort,
      (win) => listAccounts(this.deps.ds, filter, sort, win),
      () => countAccounts(this.deps.ds, filter),
    );
  }

  @Authorized(WRITERS.accounts)
  @Mutation(() => BulkResult)
  upsertAccounts(
    @Arg('input', () => [AccountInput]) input: AccountInput[],
    @Arg('allOrNone', () => Boolean, { nullable: true, defaultValue: false }) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return upsertAccounts(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }
}

/** Account's child fields: reachable only through authorized root fields, batched per request. */
@Resolver(() => Account)
export class AccountFieldsResolver {
  @FieldResolver(() => LeadConnection)
  leads(@Root() a: Account, @Args() args: PageArgs, @Ctx() ctx: Context): Promise<Connection<LeadRow>> {
    return ctx.loaders.accountLeads.load(a.id, args);
  }

  @FieldResolver(() => DealConnection)
  deals(@Root() a: Account, @Args() args: PageArgs, @Ctx() ctx: Context): Promise<Connection<DealRow>> {
    return ctx.loaders.accountDeals.load(a.id, args);
  }

  @FieldResolver(() => Account, {
    nullable: true,
    description: 'The account this one was merged into (mergeAccounts); null unless merged away.',
  })
  async mergedInto(@Root() a: Account, @Ctx() ctx: Context): Promise<Account | null> {
    return a.mergedIntoId ? ((await ctx.loaders.account.load(a.mergedIntoId)) ?? null) : null;
  }
}
