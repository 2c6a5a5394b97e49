import { EntityManager } from 'typeorm';
import { WriteContext, Written } from '../../common/bulk/bulk-runner';
import { column, upsertByExternalId } from '../../common/bulk/upsert';
import { exec, rows } from '../../db/sql';

/** A validated lead upsert: references already resolved; undefined = omitted (unchanged), null = clear. */
export interface LeadWrite {
  externalId: string;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  title?: string | null;
  accountId?: string | null;
  ownerId?: string | null;
  source?: string | null;
  score?: number | null;
  createdAt?: Date | null;
}

export async function writeLead(w: LeadWrite, ctx: WriteContext): Promise<Written> {
  const out = await upsertByExternalId(ctx.tx, 'leads', w.externalId, [
    column('email', 'text', w.email),
    column('first_name', 'text', w.firstName),
    column('last_name', 'text', w.lastName),
    column('title', 'text', w.title),
    column('account_id', 'bigint', w.accountId),
    column('owner_id', 'bigint', w.ownerId),
    column('source', 'text', w.source),
    column('score', 'integer', w.score),
    column('created_at', 'timestamptz', w.createdAt ?? undefined, 'now()'),
  ], ['created_at']);
  if (out.created) {
    await ctx.tx.query(
      `INSERT INTO lead_stage_changes (lead_id, event, occurred_at, actor) SELECT id, 'LEAD', created_at, $2 FROM leads WHERE id = $1`,
      [out.id, ctx.viewer.sub],
    );
    ctx.touchedLeads.add(out.id);
  } else if (w.createdAt && out.changed) {
    await ctx.tx.query(`UPDATE lead_stage_changes SET occurred_at = $2 WHERE lead_id = $1 AND event = 'LEAD'`, [out.id, w.createdAt]);
    ctx.touchedLeads.add(out.id);
  }
  return out;
}

export interface LeadEventWrite {
  leadId: string;
  event: string;
  occurredAt: Date;
  reason: string | null;
  note: string | null;
}

/**
 * Appends one hand-off event to a lead's log. The same (lead, event, occurredAt) again is the same event: re-sending
 * it writes nothing (or corrects its reason/note). Bumps the lead's version when anything was written.
 */
export async function writeLeadEvent(e: LeadEventWrite, ctx: WriteContext): Promise<Written> {
  const r = await rows<{ id: string; created: boolean }>(ctx.tx, `
    INSERT INTO lead_stage_changes AS c (lead_id, event, reason, note, occurred_at, actor)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (lead_id, event, occurred_at) DO UPDATE SET reason = EXCLUDED.reason, note = EXCLUDED.note
      WHERE (c.reason, c.note) IS DISTINCT FROM (EXCLUDED.reason, EXCLUDED.note)
    RETURNING id::text AS id, (xmax = 0) AS created`,
    [e.leadId, e.event, e.reason, e.note, e.occurredAt, ctx.viewer.sub]);
  if (r.length === 0) {
    const existing = await rows<{ id: string }>(ctx.tx,
      `SELECT id::text AS id FROM lead_stage_changes WHERE lead_id = $1 AND event = $2 AND occurred_at = $3`,
      [e.leadId, e.event, e.occurredAt]);
    return { id: existing[0].id, created: false };
  }
  await bumpLeadVersions(ctx.tx, [e.leadId]);
  ctx.touchedLeads.add(e.leadId);
  return { id: r[0].id, created: r[0].created };
}

export async function bumpLeadVersions(tx: EntityManager, ids: string[]): Promise<void> {
  if (ids.length) await exec(tx, `UPDATE leads SET version = version + 1, updated_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
}

/** Recomputes stage, status and milestones of the leads from their logs and deals (same transaction). */
export async function refreshLeads(tx: EntityManager, ids: Iterable<string>): Promise<void> {
  const list = [...ids];
  if (list.length) await tx.query(`SELECT refresh_leads($1::bigint[])`, [list]);
}
