import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import { WRITERS } from '../../common/auth/viewer';
import { BulkResult } from '../../common/bulk/bulk.types';
import { Connection } from '../../common/graphql/connection.type';
import { dbId } from '../../common/graphql/ids';
import { page } from '../../common/graphql/page';
import { ListArgs } from '../../common/graphql/page.args';
import { Context, Deps } from '../../context';
import {
  ConvertLeadInput,
  DealFilter,
  DealInput,
  DealOrder,
  DealStageChangeInput,
  MoveDealStageInput,
} from './deal.inputs';
import { countDeals, dealSort, dealsByExternalIds, dealsByIdsWithChildren, listDeals } from './deal.repository';
import { dealChildren, primeDealChildren } from './deal-prime';
import { convertLead, moveDealStage, recordDealStageChanges, upsertDeals } from './deal.service';
import { Deal, DealConnection, DealRow } from './deal.type';
import { DealStageChangeKeyInput, retractDealStageChanges } from './deal-retraction';

const bulkArgs = { nullable: true, defaultValue: false } as const;

@Authorized()
@Resolver(() => Deal)
export class DealResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => Deal, { nullable: true })
  async deal(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<DealRow | null> {
    const key = dbId(id);
    if (!key) return null;
    const children = dealChildren(info, []);
    if (!children.account && !children.owner && !children.leads) return ctx.loaders.deal.get(key);
    const [row] = primeDealChildren(ctx.loaders, await dealsByIdsWithChildren(this.deps.ds, [key], children));
    if (row) ctx.loaders.deal.prime(key, row);
    return row ?? null;
  }

  @Query(() => Deal, { nullable: true })
  async dealByExternalId(@Arg('externalId') externalId: string): Promise<DealRow | null> {
    return (await dealsByExternalIds(this.deps.ds, [externalId]))[0] ?? null;
  }

  @Query(() => DealConnection)
  deals(
    @Args() args: ListArgs,
    @Arg('filter', () => DealFilter, { nullable: true }) filter: DealFilter | null,
    @Arg('orderBy', () => DealOrder, { nullable: true }) orderBy: DealOrder | null,
    @Info() info: GraphQLResolveInfo,
    @Ctx() ctx: Context,
  ): Promise<Connection<DealRow>> {
    const sort = dealSort(orderBy);
    const children = dealChildren(info, ['nodes'], ['edges', 'node']);
    return page(
      args,
      info,
      sort,
      async (win) =>
        primeDealChildren(ctx.loaders, await listDeals(ctx.db ?? this.deps.ds, filter, sort, win, children)),
      () => countDeals(ctx.db ?? this.deps.ds, filter),
    );
  }

  @Authorized(WRITERS.deals)
  @Mutation(() => BulkResult)
  upsertDeals(
    @Arg('input', () => [DealInput]) input: DealInput[],
    @Arg('allOrNone', () => Boolean, bulkArgs) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return upsertDeals(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }

  @Authorized(WRITERS.deals)
  @Mutation(() => BulkResult)
  recordDealStageChanges(
    @Arg('input', () => [DealStageChangeInput]) input: DealStageChangeInput[],
    @Arg('allOrNone', () => Boolean, bulkArgs) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return recordDealStageChanges(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }

  @Authorized(WRITERS.deals)
  @Mutation(() => BulkResult, {
    description:
      "Removes wrongly recorded stage changes, each named by (deal, stage, occurredAt); audited. The deal's stage, " +
      "outcome and reaches, its leads' milestones and the rollups are recomputed in the same transaction. The " +
      "creation entry cannot be retracted (it is the deal's createdAt). An entry that is not recorded is NOT_FOUND.",
  })
  retractDealStageChanges(
    @Arg('input', () => [DealStageChangeKeyInput]) input: DealStageChangeKeyInput[],
    @Arg('allOrNone', () => Boolean, bulkArgs) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return retractDealStageChanges(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }

  @Authorized(WRITERS.deals)
  @Mutation(() => Deal, {
    description: "Creates a deal from a lead: the lead reaches OPPORTUNITY at the deal's creation.",
  })
  convertLead(@Arg('input', () => ConvertLeadInput) input: ConvertLeadInput, @Ctx() ctx: Context): Promise<DealRow> {
    return convertLead(this.deps.transactions, ctx.viewer!, input);
  }

  @Authorized(WRITERS.deals)
  @Mutation(() => Deal)
  moveDealStage(
    @Arg('input', () => MoveDealStageInput) input: MoveDealStageInput,
    @Ctx() ctx: Context,
  ): Promise<DealRow> {
    return moveDealStage(this.deps.transactions, ctx.viewer!, input);
  }
}
