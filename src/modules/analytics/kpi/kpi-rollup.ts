import { EntityManager } from 'typeorm';
import { analyzeLoaded } from '../../../db/bulk-load';
import { exec, execSql, Queryable, rows, sqlRows } from '../../../db/sql';
import { constantText, Param, param, sql, Sql } from '../../../db/sql-tag';
import { MARKETING_CHANNELS } from '../../../common/graphql/enums';
import { latestChangeAsOf } from '../core/deal-outcome.sql';
import { reachSql } from '../funnel/funnel-rollup';
import { dispositionSql } from './lead-kpis.query';
import { influencedSql } from './deal-kpis.query';
import { firstMqlVersionSql, qualifyingTouchSql, scoreBandSql } from '../../qualification/handoff.query';

/**
 * The KPI rollups (migration 1764460800000-KpiRollup): one definition of the units as of now (a lead's hand-off, a
 * deal's outcome) and of their per-day sums, used by the incremental path (before each write commits) and by the
 * rebuild. Units are exactly what the on-the-fly KPI queries compute per lead and per deal, with asOf = now.
 */

/** Breakdown dimensions of the KPI day rows (the KPI filters: sources, ownerIds), each with its unit column. */
export const KPI_DIMS = { ALL: `'ALL'`, CHANNEL: 'u.channel', OWNER: 'u.owner' } as const;
export type KpiDim = keyof typeof KPI_DIMS;
/** A dimension map as VALUES rows (k, dim, unit column) to cross join each unit with. */
const dimValues = (dims: Record<string, string>) =>
  Object.entries(dims)
    .map(([d, col], k) => `(${k + 1}, '${d}', ${col})`)
    .join(', ');
const DIM_VALUES = dimValues(KPI_DIMS);

/** Advisory lock namespaces: a customer's first wins, a day of deal rows, a day of hand-off rows. */
const LOCK = { customer: 61_001, dealDay: 61_002, handoffDay: 61_003 } as const;

/** kpi_handoff's columns. */
const HANDOFF_COLUMNS = [
  'lead_id',
  'mql_at',
  'channel',
  'owner',
  'kind',
  'reason',
  'at',
  'h',
  'hb',
  'campaign',
  'touch_channel',
  'version',
  'band',
];

/**
 * handoff_day's dimensions (handoffFeedback's groupBy, and ALL for its total), each with its unit column (migration
 * 1765324800000-HandoffRollup).
 */
export const HANDOFF_DIMS = {
  ALL: `'ALL'`,
  CAMPAIGN: 'u.campaign',
  CHANNEL: 'u.touch_channel',
  SOURCE: 'u.channel',
  OWNER: 'u.owner',
  QUALIFICATION_VERSION: 'u.version',
  SCORE_BAND: 'u.band',
} as const;

/**
 * Each MQL lead's hand-off as of now (the unit of rejection, response and SLA) with its hand-off feedback groups
 * (definitions.md §9): kpi_handoff's columns.
 */
const handoffUnitsSql = (where: Sql | string): Sql => sql`
  SELECT l.id AS lead_id, x.r2 AS mql_at, coalesce(l.source, 'UNKNOWN') AS channel, coalesce(l.owner_id::text, 'UNASSIGNED') AS owner,
    coalesce(d.kind, 'NONE') AS kind, coalesce(d.reason, '') AS reason, d.at, d.h, coalesce(kpi_bucket(d.h), -1) AS hb,
    coalesce(${qualifyingTouchSql('campaign_id', 'l.id', 'x.r2')}::text, 'NONE') AS campaign,
    coalesce(${qualifyingTouchSql('channel', 'l.id', 'x.r2')}, 'NONE') AS touch_channel,
    ${firstMqlVersionSql('l.id')} AS version, ${scoreBandSql('l.score')} AS band
  FROM live_leads l
  CROSS JOIN LATERAL (SELECT ${reachSql(1)} AS r2) x
  LEFT JOIN LATERAL (
    SELECT e.*, (extract(epoch FROM e.at - x.r2) / 3600)::float8 AS h FROM (${dispositionSql('l.id', 'x.r2', 'l.first_opportunity_at', null)}) e
  ) d ON true
  WHERE x.r2 IS NOT NULL AND ${where}`;

/** kpi_deal's columns but the first wins. */
const DEAL_FACTS = [
  'deal_id',
  'customer',
  'created_at',
  'amount',
  'channel',
  'owner',
  'category',
  'at',
  'probability',
  'cycle',
  'cb',
  'sourced',
  'influenced',
];

/**
 * Each deal's outcome as of now (its latest stage change), source (its earliest-created lead's), and sales cycle in
 * days and influence when won: kpi_deal's columns but the first wins.
 */
const dealFactsSql = (where: Sql | string, channels: Param | Sql): Sql => sql`
  SELECT d.id AS deal_id, coalesce('a' || d.account_id::text, 'd' || d.id::text) AS customer, d.created_at, d.amount,
    coalesce(src.source, 'NONE') AS channel, coalesce(d.owner_id::text, 'UNASSIGNED') AS owner, o.category, o.at, o.probability,
    w.cycle, coalesce(kpi_bucket(w.cycle), -1) AS cb, coalesce(src.source = ANY(${channels}::text[]), false) AS sourced,
    coalesce(o.category = 'WON' AND ${influencedSql('d.id', 'd.created_at', 'o.at', channels, null)}, false) AS influenced
  FROM live_deals d
  LEFT JOIN LATERAL (SELECT l.source FROM live_deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = d.id ORDER BY l.created_at, l.id LIMIT 1) src ON true
  LEFT JOIN LATERAL (${latestChangeAsOf('d.id', sql`'infinity'::timestamptz`)}) o ON true
  CROSS JOIN LATERAL (SELECT CASE WHEN o.category = 'WON' THEN (extract(epoch FROM o.at - d.created_at) / 86400)::float8 END AS cycle) w
  WHERE ${where}`;

/**
 * kpi_deal rows from deal facts `facts`: per dimension, whether the deal is its customer's first win (ties: deal id)
 * among the deals of its group. First wins are ranked among `facts`, so it must hold whole customers.
 */
const withFirstWins = (facts: Sql) => sql`
  SELECT ${DEAL_FACTS.map((c) => `u.${c}`).join(', ')},
    ARRAY[${Object.values(KPI_DIMS)
      .map(
        (col) =>
          `coalesce(u.category = 'WON' AND row_number() OVER (PARTITION BY u.customer, u.category = 'WON', ${col} ORDER BY u.at, u.deal_id) = 1, false)`,
      )
      .join(',\n      ')}] AS first_win
  FROM (${facts}) u`;

/** The UTC day of an instant column. */
const dayOf = (col: string) => `(${col} AT TIME ZONE 'UTC')::date`;
/**
 * FROM clause for the units `u` of `table` whose instant column lies on one of the `days` (a range scan per day on
 * the column's index), or every unit when `days` is null.
 */
const unitsOn = (table: string, col: string, days: Param | null) =>
  days
    ? sql`unnest(${days}::date[]) dd(d) JOIN ${table} u ON u.${col} >= dd.d::timestamp AT TIME ZONE 'UTC' AND u.${col} < (dd.d + 1)::timestamp AT TIME ZONE 'UTC'`
    : sql`${table} u`;

/**
 * Hand-off day rows of the `days` (or of every day, null) from the units, per dimension of `dims`: kpi_handoff_day's
 * with KPI_DIMS, handoff_day's with HANDOFF_DIMS.
 */
const handoffDaysSql = (dims: Record<string, string>) => (days: Param | null) => sql`
  SELECT ${dayOf('u.mql_at')} AS day, g.dim, g.grp, u.kind, u.reason, u.hb, count(*)::int AS n, sum(u.h) AS sum_h, min(u.h) AS min_h, max(u.h) AS max_h
  FROM ${unitsOn('kpi_handoff', 'mql_at', days)} CROSS JOIN LATERAL (VALUES ${dimValues(dims)}) g(k, dim, grp)
  GROUP BY 1, 2, 3, 4, 5, 6`;

/**
 * kpi_deal_day rows of the `days` (or of every day, null) from the units: CREATED and OPEN (the open snapshot) on the
 * creation day, WON and LOST on the close day, won ones per cycle bucket with the cycle sums, sourced and influenced
 * revenue and the first wins of the row's dimension.
 */
const dealDaysSql = (days: Param | null) => sql`
  SELECT x.day, g.dim, g.grp, x.kind, x.cb, count(*)::int AS n, sum(x.amount) AS amount, coalesce(sum(x.amount * x.probability), 0) AS weighted,
    coalesce(sum(x.amount) FILTER (WHERE x.sourced), 0) AS sourced, coalesce(sum(x.amount) FILTER (WHERE x.influenced), 0) AS influenced,
    count(*) FILTER (WHERE x.first_win[g.k])::int AS firsts, sum(x.cycle) AS sum_cycle, min(x.cycle) AS min_cycle, max(x.cycle) AS max_cycle
  FROM (
    SELECT ${dayOf('u.created_at')} AS day, 'CREATED' AS kind, -1 AS cb, u.amount, NULL::numeric AS probability, false AS sourced, false AS influenced,
      '{f,f,f}'::boolean[] AS first_win, NULL::float8 AS cycle, u.channel, u.owner
    FROM ${unitsOn('kpi_deal', 'created_at', days)}
    UNION ALL
    SELECT ${dayOf('u.created_at')}, 'OPEN', -1, u.amount, u.probability, false, false, '{f,f,f}', NULL, u.channel, u.owner
    FROM ${unitsOn('kpi_deal', 'created_at', days)} WHERE u.category = 'OPEN'
    UNION ALL
    SELECT ${dayOf('u.at')}, u.category, u.cb, u.amount, NULL, u.sourced, u.influenced, u.first_win, u.cycle, u.channel, u.owner
    FROM ${unitsOn('kpi_deal', 'at', days)} WHERE u.category IN ('WON', 'LOST')
  ) x CROSS JOIN LATERAL (VALUES ${DIM_VALUES.replace(/u\./g, 'x.')}) g(k, dim, grp)
  GROUP BY 1, 2, 3, 4, 5`;

/** The day rows of each day table, for the given days (every day: null). */
const DAY_ROWS = {
  kpi_handoff_day: handoffDaysSql(KPI_DIMS),
  kpi_deal_day: dealDaysSql,
  handoff_day: handoffDaysSql(HANDOFF_DIMS),
};

/** Recomputes the day rows of the given days from the units, each day under its advisory lock (taken in order). */
async function recomputeDays(db: Queryable, table: keyof typeof DAY_ROWS, days: string[]): Promise<void> {
  if (!days.length) return;
  const sorted = [...new Set(days)].sort();
  const ns = table === 'kpi_deal_day' ? LOCK.dealDay : LOCK.handoffDay;
  const d = param(sorted);
  await execSql(
    db,
    sql`SELECT pg_advisory_xact_lock(${ns}, (d - date '2000-01-01')::int) FROM unnest(${d}::date[]) d ORDER BY d`,
  );
  await execSql(db, sql`DELETE FROM ${table} WHERE day = ANY(${d}::date[])`);
  await execSql(db, sql`INSERT INTO ${table} ${DAY_ROWS[table](d)}`);
}

/**
 * CTEs replacing the stored units of `table` (key column first in `columns`) whose keys are in CTE `scope` by CTE `new`,
 * and a final SELECT of the UTC days (as text) of every unit that changed, before and after, by its instant columns
 * `instants`: the days whose rows must be recomputed.
 */
const replaceUnitsSql = (table: string, columns: string[], instants: string[]) => sql`
    old AS (SELECT * FROM ${table} WHERE ${columns[0]} IN (SELECT ${columns[0]} FROM scope)),
    changed AS (SELECT * FROM (SELECT * FROM old EXCEPT SELECT * FROM new) a UNION ALL SELECT * FROM (SELECT * FROM new EXCEPT SELECT * FROM old) b),
    gone AS (DELETE FROM ${table} k WHERE k.${columns[0]} IN (SELECT ${columns[0]} FROM scope) AND NOT EXISTS (SELECT 1 FROM new WHERE new.${columns[0]} = k.${columns[0]})),
    saved AS (
      INSERT INTO ${table} SELECT * FROM new
      ON CONFLICT (${columns[0]}) DO UPDATE SET ${columns
        .slice(1)
        .map((c) => `${c} = EXCLUDED.${c}`)
        .join(', ')})
    SELECT DISTINCT ${dayOf('s.c')}::text AS day FROM changed ch CROSS JOIN LATERAL unnest(ARRAY[${instants.map((i) => `ch.${i}`).join(', ')}]) s(c) WHERE s.c IS NOT NULL`;

/**
 * Brings the hand-off units of the given (already locked) leads up to date; returns the days whose rows must be
 * recomputed (those of units that changed, before and after).
 */
async function refreshHandoffUnits(db: Queryable, ids: string[]): Promise<string[]> {
  const leads = param(ids);
  const days = await sqlRows<{ day: string }>(
    db,
    sql`
    WITH scope AS (SELECT lead_id FROM kpi_handoff WHERE lead_id = ANY(${leads}::bigint[])),
    new AS (${handoffUnitsSql(sql`l.id = ANY(${leads}::bigint[])`)}),
    ${replaceUnitsSql('kpi_handoff', HANDOFF_COLUMNS, ['mql_at'])}`,
  );
  return days.map((d) => d.day);
}

/**
 * Brings the units of the given deals up to date, and the first wins of every deal of their customers (before and
 * after: a win can make or unmake a sibling's first win), each customer under its advisory lock; returns the days to
 * recompute.
 */
async function refreshDealUnits(db: Queryable, ids: string[]): Promise<string[]> {
  const deals = param(ids);
  await execSql(db, sql`SELECT 1 FROM deals WHERE id = ANY(${deals}::bigint[]) ORDER BY id FOR UPDATE`);
  // their customers with an account, before and after (a deal without one is its own customer)
  const customers = (
    await sqlRows<{ c: string }>(
      db,
      sql`
    SELECT DISTINCT c FROM (
      SELECT 'a' || account_id AS c FROM deals WHERE id = ANY(${deals}::bigint[]) AND account_id IS NOT NULL
      UNION ALL SELECT customer FROM kpi_deal WHERE deal_id = ANY(${deals}::bigint[]) AND customer LIKE 'a%'
    ) x ORDER BY 1`,
    )
  ).map((r) => r.c);
  const theirs = param(customers);
  await execSql(
    db,
    sql`SELECT pg_advisory_xact_lock(${LOCK.customer}, hashtext(c)) FROM unnest(${theirs}::text[]) c ORDER BY hashtext(c)`,
  );
  const days = await sqlRows<{ day: string }>(
    db,
    sql`
    WITH scope AS (SELECT deal_id FROM kpi_deal WHERE deal_id = ANY(${deals}::bigint[]) UNION SELECT deal_id FROM kpi_deal WHERE customer = ANY(${theirs}::text[])),
    -- fresh facts of the dirty deals; their customers' other deals keep theirs (only their first wins may change)
    new AS (${withFirstWins(sql`${dealFactsSql(sql`d.id = ANY(${deals}::bigint[])`, param(MARKETING_CHANNELS))}
      UNION ALL SELECT ${DEAL_FACTS.join(', ')} FROM kpi_deal WHERE customer = ANY(${theirs}::text[]) AND deal_id <> ALL(${deals}::bigint[])`)}),
    ${replaceUnitsSql('kpi_deal', [...DEAL_FACTS, 'first_win'], ['created_at', 'at'])}`,
  );
  return days.map((d) => d.day);
}

/**
 * Before a write transaction commits, after the funnel rollup took the dirty leads (`leadIds`, locked): their
 * hand-off units, the deals marked dirty and their customers; returns the days touched, whose rows recomputeKpiDays
 * brings up to date at the end of the transaction (processDirtyRollups). Day locks come last and in order, after
 * every row lock, so writers of the same days queue instead of deadlocking, and hold them only until they commit.
 */
export async function processDirtyKpi(tx: EntityManager, leadIds: string[]): Promise<KpiDays> {
  const handoffDays = leadIds.length ? await refreshHandoffUnits(tx, leadIds) : [];
  const dirty = await rows<{ id: string }>(
    tx,
    `WITH d AS (DELETE FROM kpi_deal_dirty RETURNING deal_id) SELECT DISTINCT deal_id::text AS id FROM d`,
  );
  const dealDays = dirty.length
    ? await refreshDealUnits(
        tx,
        dirty.map((d) => d.id),
      )
    : [];
  return { handoffDays, dealDays };
}

/** The day rows of the days processDirtyKpi returned, each day under its lock (taken in order). */
export async function recomputeKpiDays(tx: EntityManager, { handoffDays, dealDays }: KpiDays): Promise<void> {
  await recomputeDays(tx, 'kpi_handoff_day', handoffDays);
  await recomputeDays(tx, 'handoff_day', handoffDays);
  await recomputeDays(tx, 'kpi_deal_day', dealDays);
}

/** The days whose KPI rows a write's units moved. */
export interface KpiDays {
  handoffDays: string[];
  dealDays: string[];
}

/** Every KPI rollup row computed from scratch (the rebuild, and the equality test), per table. */
export const KPI_FROM_SCRATCH = {
  kpi_handoff: () => constantText(handoffUnitsSql('true')),
  kpi_deal: () => constantText(withFirstWins(dealFactsSql('true', sql`'{${MARKETING_CHANNELS.join(',')}}'`))),
  kpi_handoff_day: () => constantText(DAY_ROWS.kpi_handoff_day(null)),
  kpi_deal_day: () => constantText(dealDaysSql(null)),
  handoff_day: () => constantText(DAY_ROWS.handoff_day(null)),
} as const;

/**
 * `npm run rollups:rebuild`: the KPI units and day rows from scratch, in the caller's transaction (after the funnel
 * rollup's rebuild, which takes the dirty leads).
 */
export async function rebuildKpi(tx: EntityManager): Promise<number> {
  await exec(tx, `LOCK TABLE kpi_handoff, kpi_handoff_day, kpi_deal, kpi_deal_day, handoff_day IN EXCLUSIVE MODE`);
  await exec(tx, `DELETE FROM kpi_deal_dirty`);
  for (const t of ['kpi_handoff_day', 'handoff_day', 'kpi_deal_day', 'kpi_handoff', 'kpi_deal'] as const)
    await exec(tx, `DELETE FROM ${t}`);
  const units = ['kpi_handoff', 'kpi_deal'] as const;
  for (const t of units) await exec(tx, `INSERT INTO ${t} ${KPI_FROM_SCRATCH[t]()}`);
  await analyzeLoaded(tx, units); // the day rows read the units back
  for (const t of ['kpi_handoff_day', 'handoff_day', 'kpi_deal_day'] as const)
    await exec(tx, `INSERT INTO ${t} ${KPI_FROM_SCRATCH[t]()}`);
  return Number(
    (
      await rows<{ n: string }>(
        tx,
        `SELECT (SELECT count(*) FROM kpi_handoff_day) + (SELECT count(*) FROM kpi_deal_day) AS n`,
      )
    )[0].n,
  );
}
