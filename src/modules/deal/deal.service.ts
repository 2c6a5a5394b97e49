import { EntityManager } from 'typeorm';
import { Viewer } from '../../common/auth/viewer';
import { BulkSpec, WriteContext, prepareEach, runBulk } from '../../common/bulk/bulk-runner';
import { BulkResult } from '../../common/bulk/bulk.types';
import { idsByExternalId, resolveRef } from '../../common/bulk/references';
import { AppError, badInput, conflict, notFound } from '../../common/errors/app-error';
import { dbId } from '../../common/graphql/ids';
import {
  checkAmount,
  checkDate,
  checkExternalId,
  checkInstant,
  checkKeptFields,
  checkText,
} from '../../common/validation/checks';
import { rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { leadsByIds } from '../lead/lead.repository';
import { allStages, firstOpenStage } from '../pipeline-stage/pipeline-stage.repository';
import { PipelineStage } from '../pipeline-stage/pipeline-stage.type';
import { resolveOwner, userIdsByEmail } from '../user/user.repository';
import { ConvertLeadInput, DealInput, DealStageChangeInput, MoveDealStageInput } from './deal.inputs';
import { dealsByExternalIds, dealsByIds } from './deal.repository';
import { checkCanChange, dealOwnership, lockDealOwners, ownerForWrite } from './deal-ownership';
import { DealRow } from './deal.type';
import {
  DealStageChangeWrite,
  DealWrite,
  bumpDealVersion,
  insertStageChange,
  refreshDealsAndLeads,
  writeDeal,
} from './deal.write';

const newContext = (tx: EntityManager, viewer: Viewer): WriteContext => ({
  tx,
  viewer,
  now: new Date(),
  touchedLeads: new Set(),
  touchedDeals: new Set(),
});

function checkStage(stages: PipelineStage[], key: string, field = 'stage'): string {
  if (!stages.some((s) => s.key === key)) throw badInput(`Unknown pipeline stage ${JSON.stringify(key)}`, field);
  return key;
}

/** Validates a DealInput and resolves its references with maps loaded for the whole batch. */
function toDealWrite(
  d: DealInput,
  now: Date,
  stages: PipelineStage[],
  accounts: Map<string, string>,
  owners: Map<string, string>,
  leads: Map<string, string>,
): DealWrite {
  checkExternalId(d.externalId);
  checkKeptFields(d, ['name', 'amount', 'createdAt', 'stage', 'stageAt']);
  checkText(d.name, 'name', 500);
  checkAmount(d.amount, 'amount');
  checkInstant(d.createdAt, 'createdAt', now);
  checkInstant(d.stageAt, 'stageAt', now);
  checkDate(d.expectedCloseDate, 'expectedCloseDate');
  if (d.stage != null) checkStage(stages, d.stage);
  if (d.stageAt != null && d.stage == null) throw badInput('stageAt needs stage', 'stageAt');
  if (d.stageAt && d.createdAt && d.stageAt < d.createdAt) throw badInput('stageAt is before createdAt', 'stageAt');
  const leadIds =
    d.leadExternalIds == null
      ? d.leadExternalIds
      : [...new Set(d.leadExternalIds)].map((x) => resolveRef(leads, x, 'Lead', 'leadExternalIds')!);
  return {
    externalId: d.externalId,
    name: d.name ?? undefined,
    amount: d.amount ?? undefined,
    accountId: resolveRef(accounts, d.accountExternalId, 'Account', 'accountExternalId'),
    ownerId: resolveOwner(owners, d.ownerEmail),
    leadIds,
    stage: d.stage ?? undefined,
    stageAt: d.stageAt ?? undefined,
    defaultStage: firstOpenStage(stages).key,
    createdAt: d.createdAt ?? undefined,
    expectedCloseDate: d.expectedCloseDate,
  };
}

async function prepareDeals(items: DealInput[], ctx: WriteContext) {
  const stages = await allStages(ctx.tx);
  const accounts = await idsByExternalId(
    ctx.tx,
    'accounts',
    items.map((d) => d.accountExternalId),
  );
  const owners = await userIdsByEmail(
    ctx.tx,
    items.map((d) => d.ownerEmail),
  );
  const leads = await idsByExternalId(
    ctx.tx,
    'leads',
    items.flatMap((d) => d.leadExternalIds ?? []),
  );
  const ownership = await dealOwnership(ctx.tx, ctx.viewer);
  const existing = await lockDealOwners(
    ctx.tx,
    ownership,
    items.map((d) => d.externalId),
  );
  return prepareEach(items, (d) => {
    const w = toDealWrite(d, ctx.now, stages, accounts, owners, leads);
    checkCanChange(ownership, existing.get(d.externalId), d.externalId, 'externalId');
    return { ...w, ownerId: ownerForWrite(ownership, w.ownerId, !existing.has(d.externalId)) };
  });
}

const finish = (ctx: WriteContext) => refreshDealsAndLeads(ctx.tx, ctx.touchedDeals, ctx.touchedLeads);

const dealSpec: BulkSpec<DealInput, DealWrite> = {
  key: (d) => d.externalId,
  externalId: (d) => d.externalId,
  prepare: prepareDeals,
  write: writeDeal,
  finish,
};

/** A stage change as given: occurredAt null = "in this stage now". */
type StageChangeItem = Omit<DealStageChangeWrite, 'occurredAt'> & { occurredAt: Date | null };

const stageChangeSpec: BulkSpec<DealStageChangeInput, StageChangeItem> = {
  key: (c) => `${c.dealExternalId}|${c.stage}|${c.occurredAt?.toISOString?.() ?? 'now'}`,
  externalId: (c) => c.dealExternalId,
  async prepare(items, ctx) {
    const stages = await allStages(ctx.tx);
    const deals = await idsByExternalId(
      ctx.tx,
      'deals',
      items.map((c) => c.dealExternalId),
    );
    const ownership = await dealOwnership(ctx.tx, ctx.viewer);
    const owners = await lockDealOwners(
      ctx.tx,
      ownership,
      items.map((c) => c.dealExternalId),
    );
    return prepareEach(items, (c) => {
      checkCanChange(ownership, owners.get(c.dealExternalId), c.dealExternalId, 'dealExternalId');
      checkStage(stages, c.stage);
      checkInstant(c.occurredAt, 'occurredAt', ctx.now);
      checkAmount(c.amount, 'amount');
      checkText(c.reason, 'reason', 1000);
      return <StageChangeItem>{
        dealId: resolveRef(deals, c.dealExternalId, 'Deal', 'dealExternalId')!,
        stage: c.stage,
        occurredAt: c.occurredAt ?? null,
        amount: c.amount ?? null,
        reason: c.reason ?? null,
      };
    });
  },
  async write(c, ctx) {
    const w = await insertStageChange(ctx, { ...c, occurredAt: c.occurredAt ?? ctx.now }, !c.occurredAt);
    if (w.changed) await bumpDealVersion(ctx.tx, c.dealId);
    return w;
  },
  finish,
};

export const upsertDeals = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: DealInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, dealSpec);

export const recordDealStageChanges = (
  transactions: TransactionRunner,
  viewer: Viewer,
  input: DealStageChangeInput[],
  allOrNone: boolean,
): Promise<BulkResult> => runBulk(transactions, viewer, input, allOrNone, stageChangeSpec);

/**
 * Moves a deal to a stage if the caller's expectedVersion is still current: one conditional UPDATE decides, so of
 * concurrent moves from the same version exactly one wins and the others get CONFLICT with nothing written.
 */
export async function moveDealStage(
  transactions: TransactionRunner,
  viewer: Viewer,
  input: MoveDealStageInput,
): Promise<DealRow> {
  const now = new Date();
  const occurredAt = input.occurredAt ?? now;
  checkInstant(occurredAt, 'occurredAt', now);
  checkAmount(input.amount, 'amount');
  checkText(input.reason, 'reason', 1000);
  const dealId = dbId(input.dealId);
  if (!dealId) throw notFound('Deal', input.dealId, 'dealId');
  return transactions.run(async (tx) => {
    const ctx = newContext(tx, viewer);
    checkStage(await allStages(tx), input.stage);
    const { ownerId } = await dealOwnership(tx, viewer);
    if (!input.occurredAt) {
      // "be in this stage now" at the version the caller read, and the deal already is: nothing to write
      const [current] = await dealsByIds(tx, [dealId]);
      const mine = current && (ownerId === null || current.ownerId === ownerId);
      if (mine && current.version === input.expectedVersion && current.stageKey === input.stage) return current;
    }
    // the version and (for SALES) the owner are checked by the one UPDATE that claims the deal
    const claimed = await rows<{ stage_key: string }>(
      tx,
      `UPDATE deals SET version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 AND ($3::bigint IS NULL OR owner_id = $3) RETURNING stage_key`,
      [dealId, input.expectedVersion, ownerId],
    );
    if (claimed.length === 0) {
      const current = await rows<{ version: number }>(
        tx,
        `SELECT version FROM deals WHERE id = $1 AND ($2::bigint IS NULL OR owner_id = $2)`,
        [dealId, ownerId],
      );
      if (current.length === 0) throw notFound('Deal', input.dealId, 'dealId');
      throw conflict(`The deal has changed since version ${input.expectedVersion}; re-read it and retry`, {
        currentVersion: current[0].version,
      });
    }
    const w = await insertStageChange(ctx, {
      dealId,
      stage: input.stage,
      occurredAt,
      amount: input.amount ?? null,
      reason: input.reason ?? null,
    });
    if (!w.created) throw conflict('This stage change (same stage and occurredAt) is already recorded');
    await refreshDealsAndLeads(tx, ctx.touchedDeals, ctx.touchedLeads);
    return (await dealsByIds(tx, [dealId]))[0];
  });
}

/** Creates a deal from a lead (the lead reaches OPPORTUNITY at the deal's creation). Re-sending it is idempotent. */
export async function convertLead(
  transactions: TransactionRunner,
  viewer: Viewer,
  input: ConvertLeadInput,
): Promise<DealRow> {
  const leadId = dbId(input.leadId);
  return transactions.run(async (tx) => {
    const ctx = newContext(tx, viewer);
    const lead = leadId ? (await leadsByIds(tx, [leadId]))[0] : undefined;
    if (!lead) throw notFound('Lead', input.leadId, 'leadId');
    const existing = (await dealsByExternalIds(tx, [input.deal.externalId]))[0];
    if (existing) {
      const linked = await rows(tx, `SELECT 1 FROM deal_leads WHERE deal_id = $1 AND lead_id = $2`, [
        existing.id,
        leadId,
      ]);
      if (linked.length) return existing;
      throw conflict(`A deal with externalId ${JSON.stringify(input.deal.externalId)} already exists`);
    }
    const leadExternalIds = [
      ...new Set([...(input.deal.leadExternalIds ?? []), lead.externalId].filter((x): x is string => !!x)),
    ];
    const deal = Object.assign(new DealInput(), input.deal, { leadExternalIds });
    const [prepared] = await prepareDeals([deal], ctx);
    if (!prepared.ok) {
      const e = prepared.errors[0];
      throw new AppError(e.code as AppError['code'], e.message, { field: e.field ? `deal.${e.field}` : undefined });
    }
    const w = await writeDeal(
      { ...prepared.value, leadIds: [...new Set([...(prepared.value.leadIds ?? []), leadId!])] },
      ctx,
    );
    await finish(ctx);
    return (await dealsByIds(tx, [w.id]))[0];
  });
}
