import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { LIFECYCLE, WRITERS } from '../../common/auth/viewer';
import { BulkResult } from '../../common/bulk/bulk.types';
import { Context, Deps } from '../../context';
import { Account } from '../account/account.type';
import { Lead, LeadRow } from '../lead/lead.type';
import { ArchivableTable, setArchived } from './archive.service';
import { eraseLeadPersonalData } from './erase.service';
import { MergeInput } from './lifecycle.inputs';
import { mergeAccounts, mergeLeads } from './merge.service';

const IDS = { description: 'externalIds of the records (at most 500).' } as const;
const ARCHIVE =
  'Archives records by externalId: hidden from lists (unless filter.archived asks for them) and from every ' +
  'analytic (funnel, KPIs, attribution, BI views) until restored; still readable by id. Audited; already archived = UNCHANGED.';
const RESTORE = 'Restores archived records by externalId (a merged-away record cannot be restored). Audited.';

/** The data lifecycle: archive and restore, merging duplicates, erasing a person's data (definitions §7 roles). */
@Authorized()
@Resolver()
export class LifecycleResolver {
  constructor(private readonly deps: Deps) {}

  private archive(ctx: Context, table: ArchivableTable, ids: string[], archive: boolean): Promise<BulkResult> {
    return setArchived(this.deps.transactions, ctx.viewer!, table, ids, archive);
  }

  @Authorized(WRITERS.leads)
  @Mutation(() => BulkResult, { description: `${ARCHIVE} An archived lead's touches credit nothing.` })
  archiveLeads(@Arg('externalIds', () => [String], IDS) ids: string[], @Ctx() ctx: Context): Promise<BulkResult> {
    return this.archive(ctx, 'leads', ids, true);
  }

  @Authorized(WRITERS.leads)
  @Mutation(() => BulkResult, { description: RESTORE })
  restoreLeads(@Arg('externalIds', () => [String], IDS) ids: string[], @Ctx() ctx: Context): Promise<BulkResult> {
    return this.archive(ctx, 'leads', ids, false);
  }

  @Authorized(WRITERS.deals)
  @Mutation(() => BulkResult, {
    description: `${ARCHIVE} SALES archives only its own deals. The milestones its leads reached stay (lead history).`,
  })
  archiveDeals(@Arg('externalIds', () => [String], IDS) ids: string[], @Ctx() ctx: Context): Promise<BulkResult> {
    return this.archive(ctx, 'deals', ids, true);
  }

  @Authorized(WRITERS.deals)
  @Mutation(() => BulkResult, { description: `${RESTORE} SALES restores only its own deals.` })
  restoreDeals(@Arg('externalIds', () => [String], IDS) ids: string[], @Ctx() ctx: Context): Promise<BulkResult> {
    return this.archive(ctx, 'deals', ids, false);
  }

  @Authorized(WRITERS.accounts)
  @Mutation(() => BulkResult, {
    description: `${ARCHIVE} Its leads and deals stay as they are (archive them on their own).`,
  })
  archiveAccounts(@Arg('externalIds', () => [String], IDS) ids: string[], @Ctx() ctx: Context): Promise<BulkResult> {
    return this.archive(ctx, 'accounts', ids, true);
  }

  @Authorized(WRITERS.accounts)
  @Mutation(() => BulkResult, { description: RESTORE })
  restoreAccounts(@Arg('externalIds', () => [String], IDS) ids: string[], @Ctx() ctx: Context): Promise<BulkResult> {
    return this.archive(ctx, 'accounts', ids, false);
  }

  @Authorized(LIFECYCLE.merge)
  @Mutation(() => Lead, {
    description:
      'Folds duplicate leads into a survivor in one transaction: hand-off history, touchpoints and deal links move ' +
      'over, empty fields are filled from the duplicates, milestones and rollups are recomputed (analytics equal the merged data loaded fresh); the duplicates stay archived with mergedInto. Audited. Returns the survivor.',
  })
  async mergeLeads(@Arg('input', () => MergeInput) input: MergeInput, @Ctx() ctx: Context): Promise<LeadRow> {
    const id = await mergeLeads(this.deps.transactions, ctx.viewer!, input);
    return (await ctx.loaders.lead.load(id))!;
  }

  @Authorized(LIFECYCLE.merge)
  @Mutation(() => Account, {
    description:
      'Folds duplicate accounts into a survivor: their leads and deals move to it, empty fields are filled; the ' +
      'duplicates stay archived with mergedInto. Audited. Returns the survivor.',
  })
  async mergeAccounts(@Arg('input', () => MergeInput) input: MergeInput, @Ctx() ctx: Context): Promise<Account> {
    const id = await mergeAccounts(this.deps.transactions, ctx.viewer!, input);
    return (await ctx.loaders.account.load(id))!;
  }

  @Authorized(LIFECYCLE.erase)
  @Mutation(() => Lead, {
    description:
      "Erases a lead's personal data on request (GDPR Art. 17): email and names cleared, hand-off notes cleared, " +
      'later syncs cannot bring them back; the audit log holds them only redacted; analytics unchanged. Audited. ADMIN only.',
  })
  async eraseLeadPersonalData(@Arg('externalId') externalId: string, @Ctx() ctx: Context): Promise<LeadRow> {
    const id = await eraseLeadPersonalData(this.deps.transactions, ctx.viewer!, externalId);
    return (await ctx.loaders.lead.load(id))!;
  }
}
