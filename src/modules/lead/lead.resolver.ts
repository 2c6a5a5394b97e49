import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import { WRITERS, canSeePersonalData } from '../../common/auth/viewer';
import { BulkResult } from '../../common/bulk/bulk.types';
import { Connection } from '../../common/graphql/connection.type';
import { dbId } from '../../common/graphql/ids';
import { page } from '../../common/graphql/page';
import { ListArgs } from '../../common/graphql/page.args';
import { Context, Deps } from '../../context';
import { LeadFilter, LeadInput, LeadOrder, LeadStageChangeInput, MoveLeadStageInput } from './lead.inputs';
import { countLeads, leadSort, leadsByExternalIds, listLeads } from './lead.repository';
import { moveLeadStage, recordLeadStageChanges, upsertLeads } from './lead.service';
import { Lead, LeadConnection, LeadRow } from './lead.type';
import { LeadStageChangeKeyInput, retractLeadStageChanges } from './lead-retraction';

const bulkArgs = { nullable: true, defaultValue: false } as const;

@Authorized()
@Resolver(() => Lead)
export class LeadResolver {
  constructor(private readonly deps: Deps) {}

  @Query(() => Lead, { nullable: true })
  lead(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<LeadRow | null> {
    const key = dbId(id);
    return key ? ctx.loaders.lead.load(key) : Promise.resolve(null);
  }

  @Query(() => Lead, { nullable: true })
  async leadByExternalId(@Arg('externalId') externalId: string): Promise<LeadRow | null> {
    return (await leadsByExternalIds(this.deps.ds, [externalId]))[0] ?? null;
  }

  @Query(() => LeadConnection)
  leads(
    @Args() args: ListArgs,
    @Arg('filter', () => LeadFilter, { nullable: true }) filter: LeadFilter | null,
    @Arg('orderBy', () => LeadOrder, { nullable: true }) orderBy: LeadOrder | null,
    @Info() info: GraphQLResolveInfo,
    @Ctx() ctx: Context,
  ): Promise<Connection<LeadRow>> {
    const sort = leadSort(orderBy);
    const personal = canSeePersonalData(ctx.viewer);
    return page(
      args,
      info,
      sort,
      (win) => listLeads(ctx.db ?? this.deps.ds, filter, sort, win, personal),
      () => countLeads(ctx.db ?? this.deps.ds, filter, personal),
    );
  }

  @Authorized(WRITERS.leads)
  @Mutation(() => BulkResult)
  upsertLeads(
    @Arg('input', () => [LeadInput]) input: LeadInput[],
    @Arg('allOrNone', () => Boolean, bulkArgs) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return upsertLeads(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }

  @Authorized(WRITERS.leadHandoff)
  @Mutation(() => BulkResult)
  recordLeadStageChanges(
    @Arg('input', () => [LeadStageChangeInput]) input: LeadStageChangeInput[],
    @Arg('allOrNone', () => Boolean, bulkArgs) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return recordLeadStageChanges(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }

  @Authorized(WRITERS.leadHandoff)
  @Mutation(() => BulkResult, {
    description:
      'Removes wrongly recorded hand-off events, each named by (lead, event, occurredAt); audited. Stage, status, ' +
      "milestones and the rollups are recomputed in the same transaction. The LEAD entry cannot be retracted (it is the lead's createdAt).",
  })
  retractLeadStageChanges(
    @Arg('input', () => [LeadStageChangeKeyInput]) input: LeadStageChangeKeyInput[],
    @Arg('allOrNone', () => Boolean, bulkArgs) allOrNone: boolean,
    @Ctx() ctx: Context,
  ): Promise<BulkResult> {
    return retractLeadStageChanges(this.deps.transactions, ctx.viewer!, input, !!allOrNone);
  }

  @Authorized(WRITERS.leadHandoff)
  @Mutation(() => Lead, {
    description: 'One lead hand-off step (MQL, SAL accept, REJECTED with reason, RECYCLED, DISQUALIFIED, SQL).',
  })
  moveLeadStage(
    @Arg('input', () => MoveLeadStageInput) input: MoveLeadStageInput,
    @Ctx() ctx: Context,
  ): Promise<LeadRow> {
    return moveLeadStage(this.deps.transactions, ctx.viewer!, input);
  }
}
