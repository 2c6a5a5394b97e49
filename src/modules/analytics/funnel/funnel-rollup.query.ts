import { Queryable, sqlRows } from '../../../db/sql';
import { param, sql } from '../../../db/sql-tag';
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
  const steps = q.steps.map(ladderRank);
  const cohort = q.basis === ConversionBasis.COHORT;
  const [asOf, stepsP, dim, from, to, grps, windowDays] = [
    q.asOf,
    steps,
    p.dim,
    q.from,
    q.to,
    p.grps,
    p.windowDays,
  ].map(param);
  const at = (col: string) =>
    cohort
      ? sql`fd.${col}[least(coalesce(${windowDays}::int, 2147483646), cardinality(fd.${col}) - 1) + 1]`
      : sql`fd.${col}[1]`;
  const s1 = steps[0];
  const reach1 = reachSql(s1 - 1);
  const inDays = sql`fd.dim = ${dim} AND fd.day >= (${from}::timestamptz AT TIME ZONE 'UTC')::date AND fd.day < (${to}::timestamptz AT TIME ZONE 'UTC')::date
        AND (${grps}::text[] IS NULL OR fd.grp = ANY(${grps}::text[]))`;
  // isComplete needs the latest cohort anchor only for a cohort with a window
  const withAnchor = cohort && p.windowDays !== null;
  const ANCHOR = sql`    last_day AS (
      SELECT (max(fd.day)::timestamp AT TIME ZONE 'UTC') AS d FROM funnel_day fd
      WHERE (SELECT ok FROM ok) AND fd.a = ${s1} AND fd.b = ${s1} AND ${inDays}
    ),
    anchor AS (
      SELECT max(${reach1}) AS at FROM live_leads l, last_day
      WHERE ${anyFirstEntryIn(sql`last_day.d`, sql`last_day.d + interval '1 day'`, true)}
        AND ${reach1} >= last_day.d AND ${reach1} < last_day.d + interval '1 day'
        AND (${dim} <> 'CHANNEL' OR ${grps}::text[] IS NULL OR l.source = ANY(${grps}::text[]))
        AND (${dim} <> 'OWNER' OR ${grps}::text[] IS NULL OR l.owner_id::text = ANY(${grps}::text[]))
    ),
`;
  const result = await sqlRows<FunnelRow & { ok: boolean }>(
    db,
    sql`
    WITH ok AS (SELECT NOT EXISTS (SELECT 1 FROM funnel_dirty) AND coalesce(${latestFactSql(p.dim)} <= ${asOf}, true) AS ok),
    picked AS (
      SELECT CASE WHEN ${dim} = 'OWNER' AND fd.grp <> 'UNASSIGNED' THEN coalesce((SELECT u.email FROM users u WHERE u.id = fd.grp::bigint), 'UNASSIGNED') ELSE fd.grp END AS grp,
        array_position(${stepsP}::smallint[], fd.b) AS k, ${at('n')} AS n, ${at('inf')} AS inf
      FROM funnel_day fd
      WHERE (SELECT ok FROM ok) AND ${cohort ? `fd.a = ${s1}` : sql`fd.a = ANY(${stepsP}::smallint[]) AND fd.a = fd.b`} AND fd.b = ANY(${stepsP}::smallint[]) AND ${inDays}
    ),
${withAnchor ? ANCHOR : ''}    agg AS (
      SELECT grp, GROUPING(grp) = 1 AS total, k, sum(n)::int AS count, sum(inf)::int AS inferred
      FROM picked GROUP BY GROUPING SETS ((k), (grp, k)) HAVING sum(n) > 0
    )
    SELECT ok.ok, agg.*, 0 AS durations, NULL::float8 AS "meanDays", NULL::float8 AS "medianDays", ${withAnchor ? '(SELECT at FROM anchor)' : 'NULL::timestamptz'} AS "maxAnchor"
    FROM ok LEFT JOIN agg ON ok.ok ORDER BY agg.total DESC, agg.grp, agg.k`,
  );
  if (!result[0]?.ok) return null;
  return result.filter((r) => r.k !== null).map(({ ok: _ok, ...r }) => r);
}
