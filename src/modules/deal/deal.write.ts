import { EntityManager } from 'typeorm';
import { WriteContext, Written } from '../../common/bulk/bulk-runner';
import { column, requiredColumn, upsertByExternalId, upsertByNaturalKey } from '../../common/bulk/upsert';
import { AppError, badInput } from '../../common/errors/app-error';
import { exec, rows } from '../../db/sql';
import { refreshLeads } from '../lead/lead.write';
import { DEAL_CHANGE_ORDER_DESC } from './deal.repository';

/** A validated deal upsert: references resolved; undefined = omitted (unchanged), null = clear. */
export interface DealWrite {
  externalId: string;
  /** Required to create; an update may leave them out. */
  name?: string;
  amount?: number;
  accountId?: string | null;
  ownerId?: string | null;
  /** Linked leads; when given, replaces the links. */
  leadIds?: string[] | null;
  /**
   * Without stageAt: the stage the deal is in now: created in it, or (on update) moved to it now when it differs;
   * the stage the deal is already in is a no-op, so a sync run twice writes nothing the second time.
   */
  stage?: string;
  /** With stage: when the deal entered it, recorded as that stage change (the same change again is a no-op). */
  stageAt?: Date;
  /** Stage used on create when none is given. */
  defaultStage: string;
  createdAt?: Date;
  expectedCloseDate?: Date | null;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function writeDeal(w: DealWrite, ctx: WriteContext): Promise<Written> {
  const out = await upsertByExternalId(
    ctx.tx,
    'deals',
    w.externalId,
    [
      requiredColumn('name', 'text', w.name, 'name'),
      requiredColumn('amount', 'numeric', w.amount, 'amount'),
      column('account_id', 'bigint', w.accountId),
      column('owner_id', 'bigint', w.ownerId),
      column('expected_close_date', 'timestamptz', w.expectedCloseDate),
      column('created_at', 'timestamptz', w.createdAt, 'now()'),
      column('stage_key', 'text', undefined, quote(createdIn(w, ctx.now))),
    ],
    ['created_at', 'stage_key'],
  );
  let more = false; // changes beyond the deal's own columns (which upsertByExternalId versioned already)
  const change = { dealId: out.id, stage: w.stage!, amount: w.amount ?? null, reason: null };
  if (out.created) {
    await ctx.tx.query(
      `INSERT INTO deal_stage_changes (deal_id, to_stage, amount, occurred_at, actor)
       SELECT id, stage_key, amount, created_at, $2 FROM deals WHERE id = $1`,
      [out.id, ctx.viewer.sub],
    );
    if (w.stage && createdIn(w, ctx.now) !== w.stage)
      await insertStageChange(ctx, { ...change, occurredAt: w.stageAt! });
  } else {
    const before = out.before!;
    if (w.createdAt && (before.created_at as Date).getTime() !== w.createdAt.getTime())
      await moveCreation(ctx.tx, out.id, w.createdAt);
    if (w.stage && w.stageAt) more = (await insertStageChange(ctx, { ...change, occurredAt: w.stageAt })).changed;
    else if (w.stage && w.stage !== before.stage_key) {
      await insertStageChange(ctx, { ...change, occurredAt: ctx.now });
      more = true;
    }
  }
  if (w.leadIds !== undefined) more = (await relinkLeads(ctx, out.id, w.leadIds ?? [])) || more;
  if (more && !out.changed) await bumpDealVersion(ctx.tx, out.id);
  if (out.changed || more) ctx.touchedDeals.add(out.id);
  return { id: out.id, created: out.created, changed: out.changed || more };
}

/**
 * The stage a new deal is created in: the given stage, unless stageAt puts its entry after the creation (then the
 * deal starts in the default stage and enters the given one at stageAt).
 */
function createdIn(w: DealWrite, now: Date): string {
  if (!w.stage) return w.defaultStage;
  if (!w.stageAt) return w.stage;
  return w.stageAt.getTime() > (w.createdAt ?? now).getTime() ? w.defaultStage : w.stage;
}

export async function bumpDealVersion(tx: EntityManager, dealId: string): Promise<void> {
  await tx.query(`UPDATE deals SET version = version + 1, updated_at = now() WHERE id = $1`, [dealId]);
}

/** Moves the creation entry (the first of the log); no other change may then come before it. */
async function moveCreation(tx: EntityManager, dealId: string, createdAt: Date): Promise<void> {
  const earlier = await rows(
    tx,
    `
    SELECT 1 FROM deal_stage_changes c WHERE c.deal_id = $1 AND c.occurred_at < $2
      AND c.id <> (SELECT id FROM deal_stage_changes WHERE deal_id = $1 ORDER BY occurred_at, id LIMIT 1) LIMIT 1`,
    [dealId, createdAt],
  );
  if (earlier.length) throw badInput("createdAt would come after some of the deal's stage changes", 'createdAt');
  await tx.query(
    `UPDATE deal_stage_changes SET occurred_at = $2
    WHERE id = (SELECT id FROM deal_stage_changes WHERE deal_id = $1 ORDER BY occurred_at, id LIMIT 1)`,
    [dealId, createdAt],
  );
}

/** Replaces the deal's leads; old and new leads get their milestones recomputed. Returns whether links changed. */
async function relinkLeads(ctx: WriteContext, dealId: string, leadIds: string[]): Promise<boolean> {
  const removed = await rows<{ lead_id: string }>(
    ctx.tx,
    `DELETE FROM deal_leads WHERE deal_id = $1 AND NOT (lead_id = ANY($2::bigint[])) RETURNING lead_id::text`,
    [dealId, leadIds],
  );
  const added = await rows<{ lead_id: string }>(
    ctx.tx,
    `
    INSERT INTO deal_leads (deal_id, lead_id) SELECT $1, unnest($2::bigint[])
    ON CONFLICT DO NOTHING RETURNING lead_id::text`,
    [dealId, leadIds],
  );
  for (const r of [...removed, ...added]) ctx.touchedLeads.add(r.lead_id);
  return removed.length + added.length > 0;
}

export interface DealStageChangeWrite {
  dealId: string;
  stage: string;
  occurredAt: Date;
  amount: number | null;
  reason: string | null;
}

/**
 * Appends one stage change (the same deal, stage and instant again is the same change: unchanged, or its amount and
 * reason corrected). When the change is the latest of the log and carries an amount, it becomes the deal's amount.
 * onlyIfElsewhere (a change without its own instant, "in this stage now"): a deal already in the stage is left as it is.
 */
export async function insertStageChange(
  ctx: WriteContext,
  c: DealStageChangeWrite,
  onlyIfElsewhere = false,
): Promise<Written> {
  const deal = await rows<{ created_at: Date; stage_key: string }>(
    ctx.tx,
    `SELECT created_at, stage_key FROM deals WHERE id = $1 FOR UPDATE`,
    [c.dealId],
  );
  if (deal.length === 0)
    throw new AppError('NOT_FOUND', 'Deal was not found', { field: 'dealId', details: { entity: 'Deal' } });
  if (onlyIfElsewhere && deal[0].stage_key === c.stage)
    return { ...(await latestChange(ctx.tx, c.dealId)), created: false, changed: false };
  if (c.occurredAt < deal[0].created_at) throw badInput('occurredAt is before the deal was created', 'occurredAt');
  const w = await upsertByNaturalKey(
    ctx.tx,
    'deal_stage_changes',
    [
      { col: 'deal_id', value: c.dealId, cast: 'bigint' },
      { col: 'to_stage', value: c.stage, cast: 'text' },
      { col: 'occurred_at', value: c.occurredAt, cast: 'timestamptz' },
    ],
    [
      { col: 'amount', value: c.amount, cast: 'numeric' },
      { col: 'reason', value: c.reason, cast: 'text' },
    ],
    [{ col: 'actor', value: ctx.viewer.sub, cast: 'text' }],
  );
  if (!w.changed) return w;
  if (c.amount !== null) {
    await exec(
      ctx.tx,
      `
      UPDATE deals SET amount = $3 WHERE id = $1 AND $2::bigint = (
        SELECT c.id FROM deal_stage_changes c JOIN pipeline_stages s ON s.key = c.to_stage
        WHERE c.deal_id = $1 ORDER BY ${DEAL_CHANGE_ORDER_DESC} LIMIT 1)`,
      [c.dealId, w.id, c.amount],
    );
  }
  ctx.touchedDeals.add(c.dealId);
  return w;
}

async function latestChange(tx: EntityManager, dealId: string): Promise<{ id: string }> {
  const [latest] = await rows<{ id: string }>(
    tx,
    `SELECT c.id::text AS id FROM deal_stage_changes c JOIN pipeline_stages s ON s.key = c.to_stage
     WHERE c.deal_id = $1 ORDER BY ${DEAL_CHANGE_ORDER_DESC} LIMIT 1`,
    [dealId],
  );
  return latest;
}

/** Recomputes the deals' outcome and reaches, then the milestones of every lead linked to them (same transaction). */
export async function refreshDealsAndLeads(
  tx: EntityManager,
  dealIds: Iterable<string>,
  leadIds: Iterable<string>,
): Promise<void> {
  const deals = [...dealIds];
  const leads = new Set(leadIds);
  if (deals.length) {
    await tx.query(`SELECT refresh_deals($1::bigint[])`, [deals]);
    const linked = await rows<{ id: string }>(
      tx,
      `SELECT DISTINCT lead_id::text AS id FROM deal_leads WHERE deal_id = ANY($1::bigint[])`,
      [deals],
    );
    for (const l of linked) leads.add(l.id);
  }
  await refreshLeads(tx, leads);
}
