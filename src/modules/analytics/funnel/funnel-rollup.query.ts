import { preparedSqlRows } from '../../../db/prepared';
import { Queryable } from '../../../db/sql';
import { param, sql, Sql } from '../../../db/sql-tag';
import { ConversionBasis, FunnelBreakdown, SkippedStagePolicy } from '../analytics.types';
import { DAY_SECONDS, isUtcMidnight } from '../core/period';
import { FunnelRow } from '../core/funnel-steps.sql';
import { ladderRank } from '../../../common/graphql/enums';
import { anyFirstEntryIn, FunnelQuery } from './funnel.query';
import { ALL_FIRSTS, reachSql, RollupDim } from './funnel-rollup';

/** How the rollup answers a funnel: which dimension's rows, which groups of it, and the whole-day window. */
export interface RollupPlan {
  dim: RollupDim;
  grps: string[] | null;
  windowDays: number | null;
}

/**
 * Whether funnel_day answers this funnel exactly, and how. It holds counts of reaches as of now with skipped stages
 * inferred, per UTC day and per one breakdown at a time, and whole-day lags; so it answers INFER funnels as of now
 * (or later) over whole UTC days, with no window or a whole-day one, at most one of the sources and owner filters
 * (read as a filter on that dimension's groups), and no durations (days between steps need each unit's instants: those
 * funnels are computed on the fly).
 */
export function rollupPlan(q: FunnelQuery, needsDurations: boolean): RollupPlan | null {
  if (
    needsDurations ||
    q.policy !== SkippedStagePolicy.INFER ||
    !q.currentOutcomes ||
    !isUtcMidnight(q.from) ||
    !isUtcMidnight(q.to)
  )
    return null;
  const windowDays = q.windowSeconds === null ? null : q.windowSeconds / DAY_SECONDS;
  if (windowDays !== null && !Number.isInteger(windowDays)) return null;
  if (q.sources && q.ownerIds) return null;
  if (q.sources)
    return !q.breakdown || q.breakdown === FunnelBreakdown.CHANNEL
      ? { dim: 'CHANNEL', grps: q.sources, windowDays }
      : null;
  if (q.ownerIds)
    return !q.breakdown || q.breakdown === FunnelBreakdown.OWNER
      ? { dim: 'OWNER', grps: q.ownerIds, windowDays }
      : null;
  return { dim: q.breakdown ?? 'ALL', grps: null, windowDays };
}

/** The latest instant any lead fact (or, for CAMPAIGN, any touch) has: the rollup is exact for an asOf at or after it. */
export function latestFactSql(dim: RollupDim): string {
  const maxima = ALL_FIRSTS.map((c) => `(SELECT max(${c.slice(2)}) FROM leads)`);
  if (dim === 'CAMPAIGN') maxima.push(`(SELECT max(occurred_at) FROM touchpoints)`);
  return `greatest(${maxima.join(', ')})`;
}

/**
 * The funnel from funnel_day in one statement, or null when the rollup cannot be used right now (a committed write
 * not yet applied, or a fact after asOf). COHORT: rows anchored on step 1's stage, count = n at the window (the whole
 * array without one); FLOW: the step's own rows (lag 0). Groups sum to the totals; OWNER groups are shown by email.
 * For isComplete, the latest cohort anchor is found exactly: the last day with an anchor, then that day's leads.
 */
export async function queryFunnelRollup(db: Queryable, q: FunnelQuery, p: RollupPlan): Promise<FunnelRow[] | null> {
  return (await queryFunnelRollups(db, [q], p))[0];
}

/**
 * queryFunnelRollup for several funnels that differ only in their period (and asOf), in one statement: each period
 * is a row of `periods` and every aggregate is grouped by it (the dashboard's and a BI tool's twelve months). The
 * rollup is used only if it is current for the earliest asOf (then it is for every later one); otherwise every
 * funnel gets null and is computed on the fly.
 */
export async function queryFunnelRollups(
  db: Queryable,
  qs: readonly FunnelQuery[],
  p: RollupPlan,
): Promise<(FunnelRow[] | null)[]> {
  const q = qs[0];
  const steps = q.steps.map(ladderRank);
  const cohort = q.basis === ConversionBasis.COHORT;
  const asOf = param(new Date(Math.min(...qs.map((x) => x.asOf.getTime()))));
  const [stepsP, dim, froms, tos, grps, windowDays] = [
    steps,
    p.dim,
    qs.map((x) => x.from),
    qs.map((x) => x.to),
    p.grps,
    p.windowDays,
  ].map(param);
  const at = (col: string) =>
    cohort
      ? sql`fd.${col}[least(coalesce(${windowDays}::int, 2147483646), cardinality(fd.${col}) - 1) + 1]`
      : sql`fd.${col}[1]`;
  const s1 = steps[0];
  const reach1 = reachSql(s1 - 1);
  // each period's days read by their own index range scan (a LATERAL sub-select kept apart by OFFSET 0): joined to the
  // periods as one set, PostgreSQL scanned the span once and compared every row with every period, 90 ms against
  // 12 × 2 ms at 100k leads
  const daysOf = (columns: Sql | string, where: Sql | string) => sql`periods pr CROSS JOIN LATERAL (
        SELECT ${columns} FROM funnel_day fd WHERE fd.dim = ${dim} AND fd.day >= pr.from_day AND fd.day < pr.to_day
          AND (${grps}::text[] IS NULL OR fd.grp = ANY(${grps}::text[])) AND ${where} OFFSET 0) fd`;
  // isComplete needs the latest cohort anchor only for a cohort with a window
  const withAnchor = cohort && p.windowDays !== null;
  const ANCHOR = sql`    last_day AS (
      SELECT pr.i, (max(fd.day)::timestamp AT TIME ZONE 'UTC') AS d FROM ${daysOf('fd.day', sql`fd.a = ${s1} AND fd.b = ${s1}`)}
      WHERE (SELECT ok FROM ok)
      GROUP BY pr.i
    ),
    anchor AS (
      SELECT last_day.i, max(${reach1}) AS at FROM last_day JOIN live_leads l
        ON ${anyFirstEntryIn(sql`last_day.d`, sql`last_day.d + interval '1 day'`, true)}
        AND ${reach1} >= last_day.d AND ${reach1} < last_day.d + interval '1 day'
        AND (${dim} <> 'CHANNEL' OR ${grps}::text[] IS NULL OR l.source = ANY(${grps}::text[]))
        AND (${dim} <> 'OWNER' OR ${grps}::text[] IS NULL OR l.owner_id::text = ANY(${grps}::text[]))
      GROUP BY last_day.i
    ),
`;
  const result = await preparedSqlRows<FunnelRow & { ok: boolean; i: number | null }>(
    db,
    sql`
    WITH ok AS (SELECT NOT EXISTS (SELECT 1 FROM funnel_dirty) AND coalesce(${latestFactSql(p.dim)} <= ${asOf}, true) AS ok),
    periods AS (
      SELECT (f AT TIME ZONE 'UTC')::date AS from_day, (t AT TIME ZONE 'UTC')::date AS to_day, i
      FROM unnest(${froms}::timestamptz[], ${tos}::timestamptz[]) WITH ORDINALITY AS x(f, t, i)
    ),
    picked AS (
      SELECT pr.i, CASE WHEN ${dim} = 'OWNER' AND fd.grp <> 'UNASSIGNED' THEN coalesce((SELECT u.email FROM users u WHERE u.id = fd.grp::bigint), 'UNASSIGNED') ELSE fd.grp END AS grp,
        array_position(${stepsP}::smallint[], fd.b) AS k, fd.n, fd.inf
      FROM ${daysOf(sql`fd.grp, fd.b, ${at('n')} AS n, ${at('inf')} AS inf`, sql`${cohort ? `fd.a = ${s1}` : sql`fd.a = ANY(${stepsP}::smallint[]) AND fd.a = fd.b`} AND fd.b = ANY(${stepsP}::smallint[])`)}
      WHERE (SELECT ok FROM ok)
    ),
${withAnchor ? ANCHOR : ''}    by_group AS (
      SELECT i, grp, k, sum(n)::int AS count, sum(inf)::int AS inferred FROM picked GROUP BY i, grp, k
    ),
    agg AS (
      -- the groups, then their totals from those few rows (not GROUPING SETS over every day's row: that sorted them all)
      SELECT i, grp, false AS total, k, count, inferred FROM by_group WHERE count > 0
      UNION ALL
      SELECT i, NULL, true, k, sum(count)::int, sum(inferred)::int FROM by_group GROUP BY i, k HAVING sum(count) > 0
    )
    SELECT ok.ok, agg.*, 0 AS durations, NULL::float8 AS "meanDays", NULL::float8 AS "medianDays", ${withAnchor ? 'an.at' : 'NULL::timestamptz'} AS "maxAnchor"
    FROM ok LEFT JOIN agg ON ok.ok ${withAnchor ? 'LEFT JOIN anchor an ON an.i = agg.i' : ''}
    ORDER BY agg.i, agg.total DESC, agg.grp, agg.k`,
  );
  if (!result[0]?.ok) return qs.map(() => null);
  const out: FunnelRow[][] = qs.map(() => []);
  for (const { ok: _ok, i, ...r } of result) if (i !== null && r.k !== null) out[Number(i) - 1].push(r);
  return out;
}
