import { EntityManager } from 'typeorm';
import { WriteContext, Written } from '../../common/bulk/bulk-runner';
import { column, upsertByExternalId, upsertByNaturalKey, upsertManyByExternalId } from '../../common/bulk/upsert';
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

/** A lead's columns as an upsert takes them (omitted = unchanged; createdAt defaults to now on create). */
const leadColumns = (w: LeadWrite) => [
  column('email', 'text', w.email),
  column('first_name', 'text', w.firstName),
  column('last_name', 'text', w.lastName),
  column('title', 'text', w.title),
  column('account_id', 'bigint', w.accountId),
  column('owner_id', 'bigint', w.ownerId),
  column('source', 'text', w.source),
  column('score', 'integer', w.score),
  column('created_at', 'timestamptz', w.createdAt ?? undefined, 'now()'),
];

/**
 * The LEAD entry that goes with a lead's creation instant: written for the leads just created, moved to the creation
 * instant of the leads that changed with a createdAt given; those leads' milestones are refreshed when the call ends.
 */
async function leadEntries(ctx: WriteContext, outs: Written[], ws: LeadWrite[]): Promise<void> {
  const created = outs.filter((o) => o.created).map((o) => o.id);
  const moved = outs.filter((o, i) => !o.created && o.changed && ws[i].createdAt).map((o) => o.id);
  if (created.length)
    await ctx.tx.query(
      `INSERT INTO lead_stage_changes (lead_id, event, occurred_at, actor)
       SELECT id, 'LEAD', created_at, $2 FROM leads WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [created, ctx.viewer.sub],
    );
  if (moved.length)
    await ctx.tx.query(
      `UPDATE lead_stage_changes c SET occurred_at = l.created_at FROM leads l
       WHERE l.id = ANY($1::bigint[]) AND c.lead_id = l.id AND c.event = 'LEAD'`,
      [moved],
    );
  for (const id of [...created, ...moved]) ctx.touchedLeads.add(id);
}

export async function writeLead(w: LeadWrite, ctx: WriteContext): Promise<Written> {
  const out = await upsertByExternalId(ctx.tx, 'leads', w.externalId, leadColumns(w));
  await leadEntries(ctx, [out], [w]);
  return out;
}

/**
 * writeLead for a batch, set-based (the bulk runner's fast path): the leads upserted in one statement per shape and
 * their LEAD entries in one statement each way.
 */
export async function writeLeads(ws: LeadWrite[], ctx: WriteContext): Promise<Written[]> {
  const outs = await upsertManyByExternalId(
    ctx.tx,
    'leads',
    ws.map((w) => ({ externalId: w.externalId, cols: leadColumns(w) })),
  );
  await leadEntries(ctx, outs, ws);
  return outs;
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
 * onlyIfElsewhere (an event without its own instant): when it is already the lead's latest event, nothing is written.
 */
export async function writeLeadEvent(e: LeadEventWrite, ctx: WriteContext, onlyIfElsewhere = false): Promise<Written> {
  if (onlyIfElsewhere) {
    // "this event now" when it is already the lead's latest: nothing to write (a repeated hand-off step)
    const [latest] = await rows<{ id: string; event: string }>(
      ctx.tx,
      `SELECT c.id::text AS id, c.event FROM leads l JOIN lead_stage_changes c ON c.lead_id = l.id
       WHERE l.id = $1 ORDER BY c.occurred_at DESC, c.id DESC LIMIT 1 FOR UPDATE OF l`,
      [e.leadId],
    );
    if (latest?.event === e.event) return { id: latest.id, created: false, changed: false };
  }
  const w = await upsertByNaturalKey(
    ctx.tx,
    'lead_stage_changes',
    [
      { col: 'lead_id', value: e.leadId, cast: 'bigint' },
      { col: 'event', value: e.event, cast: 'text' },
      { col: 'occurred_at', value: e.occurredAt, cast: 'timestamptz' },
    ],
    [
      { col: 'reason', value: e.reason, cast: 'text' },
      { col: 'note', value: e.note, cast: 'text' },
    ],
    [{ col: 'actor', value: ctx.viewer.sub, cast: 'text' }],
  );
  if (!w.changed) return w;
  await bumpLeadVersions(ctx.tx, [e.leadId]);
  ctx.touchedLeads.add(e.leadId);
  return w;
}

export async function bumpLeadVersions(tx: EntityManager, ids: string[]): Promise<void> {
  if (ids.length)
    await exec(tx, `UPDATE leads SET version = version + 1, updated_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
}

/** Recomputes stage, status and milestones of the leads from their logs and deals (same transaction). */
export async function refreshLeads(tx: EntityManager, ids: Iterable<string>): Promise<void> {
  const list = [...ids];
  if (list.length) await tx.query(`SELECT refresh_leads($1::bigint[])`, [list]);
}
