import { Param, sql, Sql } from '../../../db/sql-tag';
import { ConversionBasis, SkippedStagePolicy } from '../analytics.types';

/** What every funnel query shares: basis, policy, period, asOf, window, owner scope. */
export interface FunnelFrame {
  basis: ConversionBasis;
  policy: SkippedStagePolicy;
  from: Date;
  to: Date;
  asOf: Date;
  /** Conversion window in seconds; null = unbounded. */
  windowSeconds: number | null;
  ownerIds: string[] | null;
  /** asOf is now or later: won outcomes are the maintained ones (no replay of deal logs). */
  currentOutcomes: boolean;
}

/** One aggregate row: a step (k, 1-based) for all units (total) or for one breakdown group. */
export interface FunnelRow {
  grp: string | null;
  total: boolean;
  k: number;
  count: number;
  inferred: number;
  durations: number;
  meanDays: number | null;
  medianDays: number | null;
  maxAnchor: Date | null;
}

/** The bound values every funnel statement shares. */
export interface FunnelParams {
  asOf: Param;
  from: Param;
  to: Param;
  /** The window in seconds (null: unbounded). */
  window: Param;
}

/**
 * The tail every funnel shares (definitions.md section 4), after a CTE `units(grp, reach timestamptz[], inferred
 * boolean[])`: which units count at each step (COHORT: anchored on step 1 in [from, to) within the window and asOf;
 * FLOW: reached in [from, to) by asOf), then count, inferred count and days from the previous reach (mean, median) per
 * step, for all units and per group (GROUPING SETS), and the latest cohort anchor (for isComplete).
 */
export function funnelStepsSql(basis: ConversionBasis, steps: number, p: FunnelParams): Sql {
  const counted =
    basis === ConversionBasis.COHORT
      ? sql`u.reach[1] >= ${p.from} AND u.reach[1] < ${p.to} AND u.reach[k] <= least(${p.asOf}, u.reach[1] + make_interval(secs => coalesce(${p.window}::float8, 1e12)))`
      : sql`u.reach[k] >= ${p.from} AND u.reach[k] < ${p.to} AND u.reach[k] <= ${p.asOf}`; // FLOW has no window
  return sql`
    counted AS (
      SELECT u.grp, k, u.inferred[k] AS inf,
             CASE WHEN k > 1 AND u.reach[k - 1] IS NOT NULL THEN extract(epoch FROM u.reach[k] - u.reach[k - 1]) / 86400 END AS days
      FROM units u CROSS JOIN generate_series(1, ${Number(steps)}) AS k
      WHERE ${counted}
    )
    SELECT grp, GROUPING(grp) = 1 AS total, k, count(*)::int AS count, (count(*) FILTER (WHERE inf))::int AS inferred,
           count(days)::int AS durations, avg(days)::float8 AS "meanDays",
           (percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE days IS NOT NULL))::float8 AS "medianDays",
           (SELECT max(u.reach[1]) FROM units u WHERE u.reach[1] >= ${p.from} AND u.reach[1] < ${p.to}) AS "maxAnchor"
    FROM counted GROUP BY GROUPING SETS ((k), (grp, k)) ORDER BY total DESC, grp, k`;
}
