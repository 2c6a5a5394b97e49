import { EntityManager } from 'typeorm';
import { Queryable, rows, sqlRows } from '../../db/sql';
import { param, sql } from '../../db/sql-tag';
import { bumpLeadVersions, refreshLeads } from '../lead/lead.write';
import { DefinitionSpec } from './definition.check';
import { definitionParams, qualifiedSql } from './qualify.sql';

/** The active definition, as the evaluation needs it. */
export interface ActiveDefinition extends DefinitionSpec {
  id: string;
  version: number;
  activatedAt: Date;
}

export const SPEC_COLUMNS = `d.name, d.note, d.fit_rules AS "fitRules", d.engagement_rules AS "engagementRules",
  d.fit_threshold AS "fitThreshold", d.engagement_threshold AS "engagementThreshold",
  d.engagement_window_days AS "engagementWindowDays", d.engagement_half_life_days AS "engagementHalfLifeDays",
  d.response_sla_hours AS "responseSlaHours"`;

/**
 * The ACTIVE definition, or null. `share`: read through qualification_state FOR SHARE, as the writers' marks do, so
 * an activation cannot commit between this read and the end of the calling transaction.
 */
export async function activeDefinition(db: Queryable, share = false): Promise<ActiveDefinition | null> {
  const [d] = await rows<ActiveDefinition>(
    db,
    `SELECT d.id::text AS id, d.version, d.activated_at AS "activatedAt", ${SPEC_COLUMNS}
     FROM qualification_state s JOIN qualification_definitions d ON d.id = s.active_id${share ? ' FOR SHARE OF s' : ''}`,
  );
  return d ?? null;
}

/** Who recorded an automatic MQL, in the stage history's `actor`. */
const actorOf = (version: number) => `qualification:v${version}`;

/** CTE `pop(lead_id, since, …)`: the eligible among these leads (stage LEAD, status OPEN, live) and their `since`. */
const popSql = (def: ActiveDefinition, ids: readonly string[]) => sql`
    WITH pop AS (
      SELECT l.id AS lead_id, greatest(${param(def.activatedAt)}::timestamptz, l.created_at,
        (SELECT max(c.occurred_at) FROM lead_stage_changes c WHERE c.lead_id = l.id AND c.event = 'RECYCLED')) AS since,
        l.title, l.source, l.account_id
      FROM leads l WHERE l.id = ANY(${param(ids)}::bigint[])
        AND l.stage = 'LEAD' AND l.status = 'OPEN' AND l.archived_at IS NULL
    )`;

/**
 * Which of these leads would qualify now (read only, no locks): the activation's backfill evaluates a batch this way
 * and locks and records only those, so the many leads that do not qualify are never locked (nor their rows written).
 */
export async function qualifyingLeads(
  tx: EntityManager,
  def: ActiveDefinition,
  ids: readonly string[],
  now: Date,
): Promise<string[]> {
  if (!ids.length) return [];
  const got = await sqlRows<{ id: string }>(
    tx,
    sql`${popSql(def, ids)}${qualifiedSql(definitionParams(def), param(now))}
    SELECT lead_id::text AS id FROM qualified ORDER BY lead_id`,
  );
  return got.map((g) => g.id);
}

/**
 * Definitions.md §8, automatic MQL, for these leads: each one whose current stage is LEAD, status OPEN (and not
 * archived) is locked, evaluated from since = max(activatedAt, createdAt, its latest RECYCLED) up to now, and gets an
 * MQL stage change at its first qualifying instant, with the definition's version. Two statements whatever the
 * number of leads: the lock (in id order, so concurrent writers cannot deadlock on it), then the evaluation and the
 * insert, which sees what any writer it waited for committed. Returns the leads that became MQLs.
 */
export async function qualifyLeads(
  tx: EntityManager,
  def: ActiveDefinition,
  ids: readonly string[],
  now: Date,
): Promise<string[]> {
  if (!ids.length) return [];
  const eligible = await rows<{ id: string }>(
    tx,
    `SELECT l.id::text AS id FROM leads l
     WHERE l.id = ANY($1::bigint[]) AND l.stage = 'LEAD' AND l.status = 'OPEN' AND l.archived_at IS NULL
     ORDER BY l.id FOR NO KEY UPDATE`,
    [ids],
  );
  if (!eligible.length) return [];
  const got = await sqlRows<{ id: string }>(
    tx,
    sql`${popSql(
      def,
      eligible.map((e) => e.id),
    )}${qualifiedSql(definitionParams(def), param(now))},
    ins AS (
      INSERT INTO lead_stage_changes (lead_id, event, occurred_at, actor, qualification_version)
      SELECT lead_id, 'MQL', at, ${param(actorOf(def.version))}, ${param(def.version)}::int FROM qualified
      ON CONFLICT (lead_id, event, occurred_at) DO NOTHING
      RETURNING lead_id
    )
    SELECT lead_id::text AS id FROM ins`,
  );
  const qualified = got.map((g) => g.id);
  await bumpLeadVersions(tx, qualified);
  await refreshLeads(tx, qualified);
  return qualified;
}

/**
 * Before-commit step of every write transaction: the leads the transaction changed while a definition is active
 * (marked by triggers on leads, accounts, touchpoints and lead logs into qualification_pending) are evaluated, and
 * the marks removed, so no write can change a lead without the agreement being applied to it.
 */
export async function qualifyPending(tx: EntityManager): Promise<void> {
  const pending = await rows<{ id: string }>(
    tx,
    `DELETE FROM qualification_pending WHERE tx = pg_current_xact_id_if_assigned() RETURNING lead_id::text AS id`,
  );
  if (!pending.length) return;
  const def = await activeDefinition(tx, true);
  if (def) await qualifyLeads(tx, def, [...new Set(pending.map((p) => p.id))], new Date());
  // the MQLs just recorded marked their leads again: they are MQLs now, nothing more to do
  await tx.query(`DELETE FROM qualification_pending WHERE tx = pg_current_xact_id_if_assigned()`);
}
