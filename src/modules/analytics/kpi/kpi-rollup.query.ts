import { preparedSqlRows } from '../../../db/prepared';
import { Queryable } from '../../../db/sql';
import { Param, param, sql, Sql } from '../../../db/sql-tag';
import { DAY_SECONDS, isUtcMidnight } from '../core/period';
import { latestFactSql } from '../funnel/funnel-rollup.query';
import { DealKpiRow, spendSql } from './deal-kpis.query';
import { KpiScope, LeadKpiRow, PERIODS, scopeEnd, scopeStart } from './lead-kpis.query';
import { KpiDim } from './kpi-rollup';

/** How the rollups answer a KPI report: which dimension's rows, which group of it, and the whole-day window. */
export interface KpiRollupPlan {
  dim: KpiDim;
  grp: string;
  windowDays: number | null;
}

/**
 * Whether the KPI rollups answer these periods exactly, and how. They hold units and day sums as of now per UTC day,
 * per one breakdown at a time: so they answer KPIs as of now (or later) over periods of whole UTC days, with no
 * conversion window or a whole-day one, and at most one filter naming one group (a source or an owner: first wins
 * and medians do not add up across groups). Any other report is computed on the fly.
 */
export function kpiRollupPlan(s: KpiScope): KpiRollupPlan | null {
  if (!s.currentOutcomes || !s.edges.every(isUtcMidnight)) return null;
  const windowDays = s.windowSeconds === null ? null : s.windowSeconds / DAY_SECONDS;
  if (windowDays !== null && !Number.isInteger(windowDays)) return null;
  if (s.sources && s.ownerIds) return null;
  const filter = s.sources ?? s.ownerIds;
  if (filter && filter.length !== 1) return null;
  if (!filter) return { dim: 'ALL', grp: 'ALL', windowDays };
  return { dim: s.sources ? 'CHANNEL' : 'OWNER', grp: filter[0], windowDays };
}

/** The bound values of a rollup KPI statement: asOf, the period edges, the rollup's dimension and group. */
interface RollupParams {
  asOf: Param;
  edges: Param;
  dim: Param;
  grp: Param;
}
const rollupParams = (s: KpiScope, plan: KpiRollupPlan): RollupParams => ({
  asOf: param(s.asOf),
  edges: param(s.edges),
  dim: param(plan.dim),
  grp: param(plan.grp),
});

/** Day rows `x` of table `t` in the scope's dimension, group and whole days, with their period index `i`. */
const dayRows = (r: RollupParams, t: string, where = 'true') => sql`
      SELECT width_bucket(x.day::timestamp AT TIME ZONE 'UTC', ${r.edges}::timestamptz[]) AS i, x.* FROM ${t} x
      WHERE (SELECT ok FROM ok) AND ${where} AND x.dim = ${r.dim} AND x.grp = ${r.grp}
        AND x.day >= (${scopeStart(r.edges)} AT TIME ZONE 'UTC')::date AND x.day < (${scopeEnd(r.edges)} AT TIME ZONE 'UTC')::date`;

/** A unit `u` of the scope's group (the rollup's dimension and group). */
const unitInGroup = (r: RollupParams) =>
  sql`(${r.dim} <> 'CHANNEL' OR u.channel = ${r.grp}) AND (${r.dim} <> 'OWNER' OR u.owner = ${r.grp})`;

/** The periods with their bounds, as `p(i, lo, hi)`. */
const BOUNDS = (r: RollupParams) =>
  sql`SELECT i, (${r.edges}::timestamptz[])[i] AS lo, (${r.edges}::timestamptz[])[i + 1] AS hi FROM (${PERIODS(r.edges)}) x`;

/**
 * CTEs for an exact median per period, as percentile_cont(0.5) computes it, of the values in buckets `rows`
 * (i, b, n, lo, hi): the bucket sums locate the two middle ranks; a bucket whose values are all equal gives its value,
 * any other is read from its units (`unit(b, k)`: the k-th smallest value, from 0, in bucket b of the period p).
 */
export const medianCtes = (name: string, buckets: Sql, unit: (b: string, k: string) => Sql) => sql`
    ${name}_cum AS (
      SELECT c.*, sum(c.n) OVER (PARTITION BY c.i ORDER BY c.b) - c.n AS before, sum(c.n) OVER (PARTITION BY c.i) AS total
      FROM (${buckets}) c
    ),
    ${name}_ranks AS (
      SELECT c.i, r.j, CASE WHEN c.lo = c.hi THEN c.lo ELSE (${unit('c.b', 'r.k - c.before')}) END AS v
      FROM ${name}_cum c JOIN p USING (i) CROSS JOIN LATERAL (VALUES (0, floor((c.total - 1) / 2.0)), (1, ceil((c.total - 1) / 2.0))) r(j, k)
      WHERE r.k >= c.before AND r.k < c.before + c.n
    ),
    ${name} AS (
      SELECT i, min(v) FILTER (WHERE j = 0) + 0.5 * (min(v) FILTER (WHERE j = 1) - min(v) FILTER (WHERE j = 0)) AS median
      FROM ${name}_ranks GROUP BY i
    )`;

/**
 * Lead KPIs from the rollups in one statement, one row per period (as queryLeadKpis), or null when they cannot be used
 * right now (a committed write not yet applied, or a fact after asOf): flow counts and the MQL cohort's conversion to
 * SQL from funnel_day, the hand-off from kpi_handoff_day (its units only for a median's bucket, the SLA hours' bucket
 * and the pending leads of the last days before asOf − SLA).
 */
export async function queryLeadKpisRollup(
  db: Queryable,
  s: KpiScope,
  plan: KpiRollupPlan,
  slaHours: number,
): Promise<LeadKpiRow[] | null> {
  const rp = rollupParams(s, plan);
  const [windowDays, sla] = [param(plan.windowDays), param(slaHours)];
  const handoffUnit = (b: string, k: string) => sql`SELECT u.h FROM kpi_handoff u
        WHERE u.kind <> 'NONE' AND u.hb = ${b} AND u.mql_at >= p.lo AND u.mql_at < p.hi AND ${unitInGroup(rp)} ORDER BY u.h OFFSET (${k})::bigint LIMIT 1`;
  const r = await preparedSqlRows<LeadKpiRow & { ok: boolean }>(
    db,
    sql`
    WITH ok AS (SELECT NOT EXISTS (SELECT 1 FROM funnel_dirty)
      AND coalesce(greatest(${latestFactSql('ALL')}, (SELECT max(at) FROM kpi_handoff)) <= ${rp.asOf}, true) AS ok),
    p AS (${BOUNDS(rp)}),
    fd AS (${dayRows(rp, 'funnel_day', 'x.a IN (1, 2, 3, 4) AND (x.b = x.a OR (x.a = 2 AND x.b = 4))')}),
    flow AS (
      SELECT i, sum(n[1]) FILTER (WHERE a = 1 AND b = 1) AS leads, sum(n[1]) FILTER (WHERE a = 2 AND b = 2) AS mqls,
        sum(n[1]) FILTER (WHERE a = 3 AND b = 3) AS sals, sum(n[1]) FILTER (WHERE a = 4 AND b = 4) AS sqls,
        sum(n[least(coalesce(${windowDays}::int, 2147483646), cardinality(n) - 1) + 1]) FILTER (WHERE a = 2 AND b = 4) AS "mqlToSql"
      FROM fd GROUP BY i
    ),
    hd AS (${dayRows(rp, 'kpi_handoff_day')}),
    hb AS (SELECT i, hb AS b, sum(n) AS n, min(min_h) AS lo, max(max_h) AS hi, sum(sum_h) AS sum_h FROM hd WHERE kind <> 'NONE' GROUP BY i, hb),
    ${medianCtes('response', sql`SELECT * FROM hb`, handoffUnit)},
    handoff AS (
      SELECT i, sum(n) FILTER (WHERE kind = 'ACCEPTED') AS accepted, sum(n) FILTER (WHERE kind = 'RETURNED') AS returned,
        -- pending leads of whole days before the day of asOf − SLA are all breached; the rest are read from the units
        sum(n) FILTER (WHERE kind = 'NONE' AND day < (((${rp.asOf}::timestamptz - make_interval(secs => ${sla}::float8 * 3600)) AT TIME ZONE 'UTC')::date)) AS pending_breached
      FROM hd GROUP BY i
    ),
    responses AS (
      SELECT c.i, sum(c.n) AS n, sum(c.sum_h) / nullif(sum(c.n), 0) AS mean,
        sum(CASE WHEN c.hi <= ${sla}::float8 THEN c.n WHEN c.lo > ${sla}::float8 THEN 0 ELSE (
          SELECT count(*) FROM kpi_handoff u WHERE u.kind <> 'NONE' AND u.hb = c.b AND u.mql_at >= p.lo AND u.mql_at < p.hi AND ${unitInGroup(rp)} AND u.h <= ${sla}::float8
        ) END) AS on_time
      FROM hb c JOIN p USING (i) GROUP BY c.i
    ),
    recent AS (
      SELECT p.i, (SELECT count(*) FROM kpi_handoff u
        WHERE u.kind = 'NONE' AND u.mql_at >= greatest(p.lo, ((((${rp.asOf}::timestamptz - make_interval(secs => ${sla}::float8 * 3600)) AT TIME ZONE 'UTC')::date)::timestamp AT TIME ZONE 'UTC'))
          AND u.mql_at < p.hi AND u.mql_at + make_interval(secs => ${sla}::float8 * 3600) <= ${rp.asOf} AND ${unitInGroup(rp)}) AS breached
      FROM p WHERE (SELECT ok FROM ok)
    ),
    reasons AS (
      SELECT i, json_agg(json_build_object('reason', reason, 'count', n) ORDER BY reason) AS reasons
      FROM (SELECT i, reason, sum(n)::int AS n FROM hd WHERE kind = 'RETURNED' GROUP BY i, reason) x GROUP BY i
    )
    SELECT ok.ok,
      coalesce(f.leads, 0)::int AS leads, coalesce(f.mqls, 0)::int AS mqls, coalesce(f.sals, 0)::int AS sals, coalesce(f.sqls, 0)::int AS sqls,
      coalesce(f.mqls, 0)::int AS "mqlCohort", coalesce(f."mqlToSql", 0)::int AS "mqlToSql",
      coalesce(h.accepted, 0)::int AS accepted, coalesce(h.returned, 0)::int AS returned,
      rs.mean::float8 AS "responseMeanHours", m.median::float8 AS "responseMedianHours",
      coalesce(rs.on_time, 0)::int AS "onTime",
      (coalesce(rs.n, 0) - coalesce(rs.on_time, 0) + coalesce(h.pending_breached, 0) + coalesce(rc.breached, 0))::int AS breached, x.reasons
    FROM ok CROSS JOIN (${PERIODS(rp.edges)}) per LEFT JOIN flow f USING (i) LEFT JOIN handoff h USING (i) LEFT JOIN responses rs USING (i)
      LEFT JOIN response m USING (i) LEFT JOIN recent rc USING (i) LEFT JOIN reasons x USING (i)
    ORDER BY per.i`,
  );
  if (!r[0]?.ok) return null;
  return r.map(({ ok: _ok, ...row }) => row);
}

/**
 * Deal, revenue and spend KPIs from the rollups in one statement, one row per period (as queryDealKpis), or null when
 * they cannot be used right now: created, closed, won (cycle sums, sourced and influenced revenue, first wins) from
 * kpi_deal_day, the cycle median as the response median, the open snapshot from every day's OPEN rows, spend from
 * campaign_spend.
 */
export async function queryDealKpisRollup(
  db: Queryable,
  s: KpiScope,
  plan: KpiRollupPlan,
): Promise<DealKpiRow[] | null> {
  const rp = rollupParams(s, plan);
  const cycleUnit = (b: string, k: string) => sql`SELECT u.cycle FROM kpi_deal u
        WHERE u.category = 'WON' AND u.cb = ${b} AND u.at >= p.lo AND u.at < p.hi AND ${unitInGroup(rp)} ORDER BY u.cycle OFFSET (${k})::bigint LIMIT 1`;
  const r = await preparedSqlRows<DealKpiRow & { ok: boolean }>(
    db,
    sql`
    WITH ok AS (SELECT NOT EXISTS (SELECT 1 FROM kpi_deal_dirty)
      AND coalesce(greatest((SELECT max(at) FROM kpi_deal), (SELECT max(created_at) FROM kpi_deal)) <= ${rp.asOf}, true) AS ok),
    p AS (${BOUNDS(rp)}),
    dd AS (${dayRows(rp, 'kpi_deal_day')}),
    sums AS (
      SELECT i, sum(n) FILTER (WHERE kind = 'CREATED') AS opportunities, sum(amount) FILTER (WHERE kind = 'CREATED') AS "pipelineCreated",
        sum(n) FILTER (WHERE kind = 'WON') AS "wonDeals", sum(n) FILTER (WHERE kind = 'LOST') AS "lostDeals",
        sum(amount) FILTER (WHERE kind = 'WON') AS revenue, sum(amount) FILTER (WHERE kind = 'LOST') AS "lostAmount",
        sum(sum_cycle) FILTER (WHERE kind = 'WON') / nullif(sum(n) FILTER (WHERE kind = 'WON'), 0) AS "cycleMeanDays",
        sum(sourced) FILTER (WHERE kind = 'WON') AS "marketingSourcedRevenue", sum(influenced) FILTER (WHERE kind = 'WON') AS "marketingInfluencedRevenue",
        sum(firsts) FILTER (WHERE kind = 'WON') AS "newCustomers"
      FROM dd GROUP BY i
    ),
    ${medianCtes('cycle', sql`SELECT i, cb AS b, sum(n) AS n, min(min_cycle) AS lo, max(max_cycle) AS hi FROM dd WHERE kind = 'WON' GROUP BY i, cb`, cycleUnit)},
    snapshot AS (
      SELECT coalesce(sum(n), 0) AS "openDeals", coalesce(sum(amount), 0) AS "openPipeline", coalesce(sum(weighted), 0) AS "weightedPipeline"
      FROM kpi_deal_day x WHERE (SELECT ok FROM ok) AND x.kind = 'OPEN' AND x.dim = ${rp.dim} AND x.grp = ${rp.grp}
    ),
    spend AS (${spendSql(param(plan.dim === 'CHANNEL' ? [plan.grp] : null), rp.asOf, rp.edges)})
    SELECT ok.ok,
      coalesce(c.opportunities, 0)::int AS opportunities, coalesce(c."pipelineCreated", 0)::float8 AS "pipelineCreated",
      coalesce(c."wonDeals", 0)::int AS "wonDeals", coalesce(c."lostDeals", 0)::int AS "lostDeals",
      coalesce(c.revenue, 0)::float8 AS revenue, coalesce(c."lostAmount", 0)::float8 AS "lostAmount",
      c."cycleMeanDays"::float8 AS "cycleMeanDays", m.median::float8 AS "cycleMedianDays", coalesce(c."wonDeals", 0)::int AS "cycleCount",
      n."openDeals"::int AS "openDeals", n."openPipeline"::float8 AS "openPipeline", n."weightedPipeline"::float8 AS "weightedPipeline",
      coalesce(c."newCustomers", 0)::int AS "newCustomers",
      coalesce(c."marketingSourcedRevenue", 0)::float8 AS "marketingSourcedRevenue",
      coalesce(c."marketingInfluencedRevenue", 0)::float8 AS "marketingInfluencedRevenue",
      coalesce(sp.spend, 0)::float8 AS spend
    FROM ok CROSS JOIN (${PERIODS(rp.edges)}) per CROSS JOIN snapshot n LEFT JOIN sums c USING (i) LEFT JOIN cycle m USING (i) LEFT JOIN spend sp USING (i)
    ORDER BY per.i`,
  );
  if (!r[0]?.ok) return null;
  return r.map(({ ok: _ok, ...row }) => row);
}
