import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { WRITERS } from '../../common/auth/viewer';
import { BulkResult } from '../../common/bulk/bulk.types';
import { Connection } from '../../common/graphql/connection.type';
import { page } from '../../common/graphql/page';
import { ListArgs } from '../../common/graphql/page.args';
import { Context, Deps } from '../../context';
import { Campaign } from '../campaign/campaign.type';
import { Lead, LeadRow } from '../lead/lead.type';
import { TouchpointFilter, TouchpointInput } from './touchpoint.inputs';
import { TOUCHPOINT_SORT, countTouchpoints, listTouchpoints } from './touchpoint.repository';
import { recordTouchpoints } from './touchpoint.service';
import { Touchpoint, TouchpointConnection, TouchpointRow } from './touchpoint.type';

@Authorized()
@Resolver(() => Touchpoint)
export class TouchpointResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => TouchpointConnection)
  touchpoints(
    @Args() args: ListArgs,
    @Arg('filter', () => TouchpointFilter, { nullable: true }) filter: TouchpointFilter | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<TouchpointRow>> {
    return page(
      args,
      info,
      TOUCHPOINT_SORT,
      (win) => listTouchpoints(this.deps.ds, filter, win),
      () => countTouchpoints(this.deps.ds, filter),
    );
  }

  @Authorized(WRITERS.touchpoints)
  @Mutation(() => BulkResult)
  recordTouchpoints(
    @Arg('input', () => [TouchpointInput]) input: TouchpointInput[],
    @Arg('allOrNone', () => Boolean, { nullable: true, defaultValue: false }) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return recordTouchpoints(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }
}

@Resolver(() => Touchpoint)
export class TouchpointFieldsResolver {
  @FieldResolver(() => Lead)
  async lead(@Root() t: TouchpointRow, @Ctx() ctx: Context): Promise<LeadRow> {
    return (await ctx.loaders.lead.load(t.leadId))!;
  }

  @FieldResolver(() => Campaign)
  async campaign(@Root() t: TouchpointRow, @Ctx() ctx: Context): Promise<Campaign> {
    return (await ctx.loaders.campaign.load(t.campaignId))!;
  }
}
