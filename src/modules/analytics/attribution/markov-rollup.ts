import { EntityManager } from 'typeorm';
import { loadWithIndexesDeferred } from '../../../db/bulk-load';
import { exec, execSql, Queryable, rows, sqlRows } from '../../../db/sql';
import { constantText, Param, param, sql, Sql } from '../../../db/sql-tag';

/**
 * The MARKOV rollup (migration 1764547200000-MarkovRollup): one definition of its units (markov_touch, markov_won) and
 * of its per-day transition counts (markov_day), used by the incremental path (before each write commits) and by the
 * rebuild. The report side is markov-rollup.query.ts.
 */

/** The dimensions (attribution groupBy) with the state columns of a markov_touch row `u`: this touch's, the next one's. */
const TOUCH_DIMS = `(VALUES ('CAMPAIGN', u.campaign, u.next_campaign), ('CHANNEL', u.channel, u.next_channel)) g(dim, s, ns)`;

/** Advisory lock namespace of a lead's units. */
const LOCK = { lead: 61_004 } as const;

/**
 * Transition events of a journey element `u` (seq, day, next_day; states s and ns), as `e(ok, s1, s2)`, counting only
 * the touches on days [lo, hi): START → the first touch in the window, each change of state between two touches in it,
 * the last touch in it → '' (NULL, or CONVERSION for a converting journey). With lo = '-infinity' and hi = 'infinity',
 * the whole journey. A journey is the sum of its elements' events, so sums per day add up.
 */
export const eventsSql = (lo: string, hi: string, s = 'g.s', ns = 'g.ns') => `CROSS JOIN LATERAL (VALUES
      (u.seq = 1 AND u.day >= ${lo} AND u.day < ${hi}, '', ${s}),
      (u.day >= ${lo} AND u.day < ${hi} AND (u.next_day IS NULL OR u.next_day >= ${hi}), ${s}, ''),
      (u.day >= ${lo} AND u.next_day < ${hi} AND ${ns} <> ${s}, ${s}, ${ns}),
      (u.day < ${lo} AND u.next_day >= ${lo} AND u.next_day < ${hi}, '', ${ns})
    ) e(ok, s1, s2)`;
export const WHOLE = ["'-infinity'::date", "'infinity'::date"] as const;

/** markov_touch rows of the touchpoints `t` matching `where`: each lead's touches in journey order, with the next one. */
const touchUnitsSql = (where: Sql | string) => sql`
  SELECT t.lead_id, (row_number() OVER w)::int AS seq, (t.occurred_at AT TIME ZONE 'UTC')::date AS day, t.campaign_id::text AS campaign, t.channel,
    lead((t.occurred_at AT TIME ZONE 'UTC')::date) OVER w AS next_day, lead(t.campaign_id::text) OVER w AS next_campaign, lead(t.channel) OVER w AS next_channel
  FROM live_touchpoints t WHERE ${where}
  WINDOW w AS (PARTITION BY t.lead_id ORDER BY t.occurred_at, t.external_id, t.id)`;

/**
 * markov_won rows of the leads matching `where` (on deal_leads `dl`): each UTC close day of their currently won deals,
 * how many such days the lead has, and its first and last touch days from the markov_touch rows `touches` (leads with
 * no touch have no row: they are in no journey).
 */
const wonUnitsSql = (where: Sql | string, touches: Sql | string) => sql`
  SELECT x.lead_id, x.x_day, (count(*) OVER (PARTITION BY x.lead_id))::int AS n_x, f.first_day, f.last_day
  FROM (
    SELECT DISTINCT dl.lead_id, (d.closed_at AT TIME ZONE 'UTC')::date AS x_day FROM live_deal_leads dl JOIN deals d ON d.id = dl.deal_id
    WHERE d.status = 'WON' AND d.closed_at IS NOT NULL AND ${where}
  ) x
  JOIN (SELECT f.lead_id, min(f.day) AS first_day, max(f.day) AS last_day FROM ${touches} f GROUP BY f.lead_id) f USING (lead_id)`;

/** Day filter on column `col`: the `days`, or every day (null). */
const onDays = (col: string, days: Param | null) => (days ? sql`${col} = ANY(${days}::date[])` : sql`true`);

/**
 * markov_touch rows `u` (joined as `from`, filtered by `where`) grouped by the row key `key` (as k) and by all that the
 * whole-journey events (eventsSql over WHOLE) read of a unit: its day, whether it starts its journey (seq = 1), whether
 * its next touch is none, at infinity or on a finite day (every finite one compares alike with ±infinity), and its
 * states; n units per group. Counting each group's events once, times n, gives the same sums as counting every unit's:
 * at a million leads the T rows took 23.8 s (46 s beside the other rebuilds) from 5 million units, and 3.7 s this way.
 */
const wholeJourneyGroups = (from: string, key: string, where: Sql) => sql`
  SELECT ${key} AS k, u.day, CASE WHEN u.seq = 1 THEN 1 ELSE 2 END AS seq,
    CASE WHEN u.next_day IS NULL OR u.next_day >= ${WHOLE[1]} THEN u.next_day ELSE date '2000-01-01' END AS next_day,
    u.campaign, u.next_campaign, u.channel, u.next_channel, count(*) AS n
  FROM ${from} WHERE ${where} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

/** markov_day rows of each kind for the `days` (or every day, null). */
const DAY_ROWS = {
  // converting journeys, from the credit rollup's touches of each won deal (in position order) by close day
  C: (days: Param | null) => sql`
    SELECT 'C' AS kind, u.dim, u.day, e.s1, e.s2, count(*)::int AS n
    FROM (
      SELECT c.pos AS seq, c.close_day AS day, lead(c.close_day) OVER w AS next_day, g.dim, g.s, lead(g.s) OVER w AS ns
      FROM attribution_credit c CROSS JOIN LATERAL (VALUES ('CAMPAIGN', c.campaign_id::text), ('CHANNEL', c.channel)) g(dim, s)
      WHERE ${onDays('c.close_day', days)}
      WINDOW w AS (PARTITION BY c.deal_id, g.dim ORDER BY c.pos)
    ) u ${eventsSql(...WHOLE, 'u.s', 'u.ns')}
    WHERE e.ok GROUP BY 2, 3, 4, 5`,
  // every lead's journey events, by the day of the touch they start from
  T: (days: Param | null) => sql`
    SELECT 'T' AS kind, g.dim, u.k AS day, e.s1, e.s2, sum(u.n)::int AS n
    FROM (${wholeJourneyGroups('markov_touch u', 'u.day', onDays('u.day', days))}) u
    CROSS JOIN LATERAL ${TOUCH_DIMS} ${eventsSql(...WHOLE)}
    WHERE e.ok GROUP BY 2, 3, 4, 5`,
  // whole journeys of the leads with exactly one won close day, by that day
  W: (days: Param | null) => sql`
    SELECT 'W' AS kind, g.dim, u.k AS day, e.s1, e.s2, sum(u.n)::int AS n
    FROM (${wholeJourneyGroups(
      'markov_won w JOIN markov_touch u ON u.lead_id = w.lead_id',
      'w.x_day',
      sql`w.n_x = 1 AND ${onDays('w.x_day', days)}`,
    )}) u
    CROSS JOIN LATERAL ${TOUCH_DIMS} ${eventsSql(...WHOLE)}
    WHERE e.ok GROUP BY 2, 3, 4, 5`,
};
type Kind = keyof typeof DAY_ROWS;

/** Recomputes the markov_day rows of a kind for the given days (every day when null); the caller holds the days' locks. */
async function recomputeDays(db: Queryable, kind: Kind, days: string[] | null): Promise<void> {
  if (days && !days.length) return;
  const on = days ? param(days) : null;
  await execSql(db, sql`DELETE FROM markov_day WHERE kind = '${kind}' AND ${onDays('day', on)}`);
  await execSql(db, sql`INSERT INTO markov_day ${DAY_ROWS[kind](on)}`);
}

/** The credit rollup's close days (locked by it): their converting transitions, from its fresh rows. */
export const refreshConvertingDays = (db: Queryable, days: string[] | null) => recomputeDays(db, 'C', days);

/**
 * Before a write transaction commits: the leads marked dirty, each under its advisory lock (in order). The T and W rows
 * are sums, so they take deltas: the events of every unit that changed (old ones out, new ones in) by its touch day,
 * and the whole journeys of the leads with one won close day (before and after) by that day, returned for
 * applyMarkovDeltas; in the same statement the leads' unit rows that changed are written and those gone are deleted
 * (the units were computed once: before, they were deleted and computed again, every row rewritten with its GiST
 * entry).
 */
export async function processDirtyMarkov(tx: EntityManager): Promise<MarkovDelta[]> {
  const ids = (
    await rows<{ id: string }>(
      tx,
      `WITH d AS (DELETE FROM markov_dirty RETURNING lead_id) SELECT DISTINCT lead_id::text AS id FROM d ORDER BY 1`,
    )
  ).map((r) => r.id);
  if (!ids.length) return [];
  const leads = param(ids);
  await execSql(
    tx,
    sql`SELECT pg_advisory_xact_lock(${LOCK.lead}, (id % 2147483647)::int) FROM unnest(${leads}::bigint[]) id ORDER BY id`,
  );
  return sqlRows<MarkovDelta>(
    tx,
    sql`
    WITH new_t AS (${touchUnitsSql(sql`t.lead_id = ANY(${leads}::bigint[])`)}),
    old_t AS (SELECT * FROM markov_touch WHERE lead_id = ANY(${leads}::bigint[])),
    new_w AS (${wonUnitsSql(sql`dl.lead_id = ANY(${leads}::bigint[])`, 'new_t')}),
    old_w AS (SELECT * FROM markov_won WHERE lead_id = ANY(${leads}::bigint[])),
    d_t AS (
      SELECT -1 AS sign, * FROM (SELECT * FROM old_t EXCEPT SELECT * FROM new_t) a
      UNION ALL SELECT 1, * FROM (SELECT * FROM new_t EXCEPT SELECT * FROM old_t) b
    ),
    d_w AS (
      SELECT -1 AS sign, w.x_day, u.* FROM old_w w JOIN old_t u USING (lead_id) WHERE w.n_x = 1
      UNION ALL SELECT 1, w.x_day, u.* FROM new_w w JOIN new_t u USING (lead_id) WHERE w.n_x = 1
    ),
    deltas AS (
      SELECT 'T' AS kind, g.dim, u.day, e.s1, e.s2, sum(u.sign)::int AS n
      FROM d_t u CROSS JOIN LATERAL ${TOUCH_DIMS} ${eventsSql(...WHOLE)} WHERE e.ok GROUP BY 2, 3, 4, 5
      UNION ALL
      SELECT 'W', g.dim, u.x_day, e.s1, e.s2, sum(u.sign)::int
      FROM d_w u CROSS JOIN LATERAL ${TOUCH_DIMS} ${eventsSql(...WHOLE)} WHERE e.ok GROUP BY 2, 3, 4, 5
    ),
    -- the units themselves: only the rows that changed are written (the same statement's snapshot: old_t and old_w
    -- are the rows before it), a changed row by its key, a row whose key is gone deleted
    put_t AS (
      INSERT INTO markov_touch SELECT * FROM (SELECT * FROM new_t EXCEPT SELECT * FROM old_t) x
      ON CONFLICT (lead_id, seq) DO UPDATE SET day = EXCLUDED.day, campaign = EXCLUDED.campaign, channel = EXCLUDED.channel,
        next_day = EXCLUDED.next_day, next_campaign = EXCLUDED.next_campaign, next_channel = EXCLUDED.next_channel),
    drop_t AS (
      DELETE FROM markov_touch m USING old_t o WHERE m.lead_id = o.lead_id AND m.seq = o.seq
        AND NOT EXISTS (SELECT 1 FROM new_t n WHERE n.lead_id = o.lead_id AND n.seq = o.seq)),
    put_w AS (
      INSERT INTO markov_won SELECT * FROM (SELECT * FROM new_w EXCEPT SELECT * FROM old_w) x
      ON CONFLICT (lead_id, x_day) DO UPDATE SET n_x = EXCLUDED.n_x, first_day = EXCLUDED.first_day, last_day = EXCLUDED.last_day),
    drop_w AS (
      DELETE FROM markov_won m USING old_w o WHERE m.lead_id = o.lead_id AND m.x_day = o.x_day
        AND NOT EXISTS (SELECT 1 FROM new_w n WHERE n.lead_id = o.lead_id AND n.x_day = o.x_day))
    SELECT kind, dim, day::text, s1, s2, n FROM deltas WHERE n <> 0`,
  );
}

/** A change to one markov_day row (processDirtyMarkov). */
export interface MarkovDelta {
  kind: string;
  dim: string;
  day: string;
  s1: string;
  s2: string;
  n: number;
}

/**
 * Adds processDirtyMarkov's deltas to markov_day, in key order (rows that reach 0 are deleted). The caller runs it at
 * the end of the transaction: the T and W rows are shared by concurrent writers (row locks held until commit).
 */
export async function applyMarkovDeltas(tx: EntityManager, deltas: MarkovDelta[]): Promise<void> {
  if (!deltas.length) return;
  const [kinds, dims, days, s1s, s2s, ns] = (['kind', 'dim', 'day', 's1', 's2', 'n'] as const).map((k) =>
    param(deltas.map((d) => d[k])),
  );
  const applied = await sqlRows<MarkovDelta>(
    tx,
    sql`
    INSERT INTO markov_day
    SELECT * FROM unnest(${kinds}::text[], ${dims}::text[], ${days}::date[], ${s1s}::text[], ${s2s}::text[], ${ns}::int[])
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (kind, dim, day, s1, s2) DO UPDATE SET n = markov_day.n + EXCLUDED.n
    RETURNING kind, dim, day::text, s1, s2, n`,
  );
  const zero = applied.filter((r) => r.n === 0);
  if (zero.length) {
    const [kinds, dims, days, s1, s2] = (['kind', 'dim', 'day', 's1', 's2'] as const).map((k) =>
      param(zero.map((r) => r[k])),
    );
    await execSql(
      tx,
      sql`DELETE FROM markov_day m USING unnest(${kinds}::text[], ${dims}::text[], ${days}::date[], ${s1}::text[], ${s2}::text[]) z(kind, dim, day, s1, s2)
      WHERE m.kind = z.kind AND m.dim = z.dim AND m.day = z.day AND m.s1 = z.s1 AND m.s2 = z.s2 AND m.n = 0`,
    );
  }
}

/** Every MARKOV rollup row computed from scratch from the base tables (the equality test), per table. */
export const MARKOV_FROM_SCRATCH = {
  markov_touch: () => constantText(touchUnitsSql('true')),
  markov_won: () => constantText(wonUnitsSql('true', sql`(${touchUnitsSql('true')})`)),
  markov_day: () => constantText(sql`${DAY_ROWS.C(null)} UNION ALL ${DAY_ROWS.T(null)} UNION ALL ${DAY_ROWS.W(null)}`),
} as const;

/**
 * Locks the MARKOV tables against writers, markov_dirty first: a writer's triggers take it before anything else of the
 * rollup, so a rebuild waits for running writers instead of deadlocking with them. markov_day is left to row locks: the
 * rebuild writes only its T and W rows, and the C rows belong to the credit rollup, whose rebuild runs beside this one
 * (with markov_day locked here as well, it waited for this one's commit and the two ran one after the other).
 */
export const MARKOV_LOCK = `LOCK TABLE markov_dirty, markov_touch, markov_won IN ACCESS EXCLUSIVE MODE`;

/** `npm run rollups:rebuild`: the units and the T and W rows from scratch, in the caller's transaction. */
export async function rebuildMarkov(tx: EntityManager): Promise<number> {
  await exec(tx, MARKOV_LOCK);
  await exec(tx, `TRUNCATE markov_touch, markov_won, markov_dirty`);
  await loadWithIndexesDeferred(tx, ['markov_touch', 'markov_won'], async () => {
    await execSql(tx, sql`INSERT INTO markov_touch ${touchUnitsSql('true')}`);
    await execSql(tx, sql`INSERT INTO markov_won ${wonUnitsSql('true', 'markov_touch')}`);
  });
  await recomputeDays(tx, 'T', null);
  await recomputeDays(tx, 'W', null);
  // its own rows: the C rows are the credit rebuild's, which may not have run yet
  return Number((await rows<{ n: string }>(tx, `SELECT count(*) AS n FROM markov_day WHERE kind <> 'C'`))[0].n);
}
