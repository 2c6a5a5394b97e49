import { EntityManager } from 'typeorm';
import { analyzeLoaded } from '../../../db/bulk-load';
import { exec, execSql, Queryable, rows, sqlRows } from '../../../db/sql';
import { constantText, param, sql } from '../../../db/sql-tag';
import { ProfilePopulation } from './closing-profile.types';
import { dayDeltasSql, UNIT_ROWS } from './closing-rollup.sql';
import { UNIT_COLUMNS } from './closing-profile.query';

/**
 * The closing profile's rollup (migration 1765497600000-ClosingRollup): closing_unit holds every unit as of now, as
 * closingProfile computes them on the fly with asOf = now, and closing_day their sums per UTC day, dimension and value,
 * kept by deltas.
 */

/** Advisory lock namespaces: a lead (its MQL unit, and the deal units its touches feed), a deal. */
const LOCK = { lead: 61_020, deal: 61_021 } as const;

const lockAll = (ns: number, ids: string[]) => {
  const p = param(ids);
  return sql`SELECT pg_advisory_xact_lock(${ns}, k) FROM (SELECT DISTINCT (id % 2147483647)::int AS k FROM unnest(${p}::bigint[]) id) x ORDER BY k`;
};

/** A change to one closing_day row (refreshUnits). */
export interface ClosingDelta {
  population: string;
  day: string;
  dim: number;
  value: string;
  successes: number;
  failures: number;
}

/**
 * Replaces the units of the given deals and MQL leads by their state as of now; returns the difference to the day rows,
 * for applyClosingDeltas.
 */
function refreshUnits(db: Queryable, deals: string[], leads: string[]): Promise<ClosingDelta[]> {
  const [d, l] = [param(deals), param(leads)];
  return sqlRows<ClosingDelta>(
    db,
    sql`
    WITH old AS (
      SELECT u.*, -1 AS sign FROM closing_unit u
      WHERE (u.population = 'DEALS' AND u.unit_id = ANY(${d}::bigint[])) OR (u.population = 'MQLS' AND u.unit_id = ANY(${l}::bigint[]))
    ),
    new AS (${UNIT_ROWS[ProfilePopulation.DEALS](d)} UNION ALL ${UNIT_ROWS[ProfilePopulation.MQLS](l)}),
    gone AS (
      DELETE FROM closing_unit u USING old
      WHERE u.population = old.population AND u.unit_id = old.unit_id
        AND NOT EXISTS (SELECT 1 FROM new WHERE new.population = u.population AND new.unit_id = u.unit_id)
    ),
    saved AS (
      INSERT INTO closing_unit SELECT * FROM new
      ON CONFLICT (population, unit_id) DO UPDATE SET ${UNIT_COLUMNS.slice(1)
        .map((c) => `${c} = EXCLUDED.${c}`)
        .join(', ')}
    ),
    delta AS (${dayDeltasSql(`SELECT * FROM old UNION ALL SELECT new.*, 1 FROM new`)})
    SELECT population, day::text AS day, dim, value, successes, failures FROM delta`,
  );
}

/**
 * Adds refreshUnits' differences to the day rows (in key order, so concurrent writers of one day row queue), then drops
 * day rows that fell to zero. The caller runs it at the end of the transaction: the day rows are shared by concurrent
 * writers (row locks held until commit).
 */
export async function applyClosingDeltas(db: EntityManager, deltas: ClosingDelta[]): Promise<void> {
  if (!deltas.length) return;
  const [pops, days, dims, values, successes, failures] = (
    ['population', 'day', 'dim', 'value', 'successes', 'failures'] as const
  ).map((k) => param(deltas.map((x) => x[k])));
  const touched = await sqlRows<{ population: string; day: string; dim: number; value: string; empty: boolean }>(
    db,
    sql`
    INSERT INTO closing_day AS cd
    SELECT * FROM unnest(${pops}::text[], ${days}::date[], ${dims}::smallint[], ${values}::text[], ${successes}::int[], ${failures}::int[])
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (population, day, dim, value) DO UPDATE
      SET successes = cd.successes + EXCLUDED.successes, failures = cd.failures + EXCLUDED.failures
    RETURNING cd.population, cd.day::text AS day, cd.dim, cd.value, cd.successes = 0 AND cd.failures = 0 AS empty`,
  );
  const empty = touched.filter((z) => z.empty);
  if (!empty.length) return;
  const [pop, day, dim, value] = (['population', 'day', 'dim', 'value'] as const).map((k) =>
    param(empty.map((z) => z[k])),
  );
  await execSql(
    db,
    sql`DELETE FROM closing_day WHERE (population, day, dim, value) IN (
      SELECT * FROM unnest(${pop}::text[], ${day}::date[], ${dim}::smallint[], ${value}::text[])) AND successes = 0 AND failures = 0`,
  );
}

/**
 * Before a write transaction commits, after the KPI rollup brought the hand-offs of the leads `leadIds` up to date:
 * the units its writes marked (triggers) and those leads' MQL units. Serialised per unit by advisory locks, in two
 * phases that every writer takes in the same order — first the leads (with the leads of the marked deals, as this
 * transaction sees its links), then the deals (with the deals of those leads, read after the lead locks, so a link
 * another writer committed meanwhile is seen) — and each computed after its lock by a fresh statement, so the later of
 * two writers of one unit sees the earlier one's rows. A touch and a new link to its lead's deal, written at once,
 * meet on the lead's lock. Returns the differences to the day rows, for applyClosingDeltas.
 */
export async function processDirtyClosing(tx: EntityManager, leadIds: string[]): Promise<ClosingDelta[]> {
  const dirty = await rows<{ population: string; id: string }>(
    tx,
    `WITH d AS (DELETE FROM closing_dirty RETURNING population, unit_id) SELECT DISTINCT population, unit_id::text AS id FROM d`,
  );
  const marked = (p: ProfilePopulation) => dirty.filter((r) => r.population === p).map((r) => r.id);
  const leads = [...new Set([...leadIds, ...marked(ProfilePopulation.MQLS)])];
  const dealsMarked = marked(ProfilePopulation.DEALS);
  if (!leads.length && !dealsMarked.length) return [];
  const ofDeals = await sqlRows<{ id: string }>(
    tx,
    sql`SELECT DISTINCT lead_id::text AS id FROM deal_leads WHERE deal_id = ANY(${param(dealsMarked)}::bigint[])`,
  );
  await execSql(tx, lockAll(LOCK.lead, [...leads, ...ofDeals.map((r) => r.id)]));
  const ofLeads = await sqlRows<{ id: string }>(
    tx,
    sql`SELECT DISTINCT deal_id::text AS id FROM deal_leads WHERE lead_id = ANY(${param(leads)}::bigint[])`,
  );
  const deals = [...new Set([...dealsMarked, ...ofLeads.map((r) => r.id)])];
  await execSql(tx, lockAll(LOCK.deal, deals));
  return refreshUnits(tx, deals, leads);
}

/** Every closing rollup row computed from scratch (the rebuild, and the equality test), per table. */
export const CLOSING_FROM_SCRATCH = {
  closing_unit: () =>
    constantText(sql`${UNIT_ROWS[ProfilePopulation.DEALS](null)} UNION ALL ${UNIT_ROWS[ProfilePopulation.MQLS](null)}`),
  closing_day: () =>
    constantText(
      dayDeltasSql(
        sql`SELECT x.*, 1 AS sign FROM (${UNIT_ROWS[ProfilePopulation.DEALS](null)} UNION ALL ${UNIT_ROWS[ProfilePopulation.MQLS](null)}) x`,
      ),
    ),
} as const;

/**
 * `npm run rollups:rebuild`: the units and day rows from scratch, in the caller's transaction (after the KPI rollup's
 * rebuild: MQL units take their hand-off from it).
 */
export async function rebuildClosing(tx: EntityManager): Promise<number> {
  await exec(tx, `LOCK TABLE closing_unit, closing_day IN EXCLUSIVE MODE`);
  await exec(tx, `DELETE FROM closing_dirty`);
  await exec(tx, `DELETE FROM closing_day`);
  await exec(tx, `DELETE FROM closing_unit`);
  await exec(tx, `INSERT INTO closing_unit ${CLOSING_FROM_SCRATCH.closing_unit()}`);
  await analyzeLoaded(tx, ['closing_unit']);
  await exec(tx, `INSERT INTO closing_day ${constantText(dayDeltasSql(`SELECT u.*, 1 AS sign FROM closing_unit u`))}`);
  return Number((await rows<{ n: string }>(tx, `SELECT count(*) AS n FROM closing_day`))[0].n);
}
