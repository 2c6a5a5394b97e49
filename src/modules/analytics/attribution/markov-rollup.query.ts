import { AttributionGroupBy } from './attribution.types';
import { eventsSql, WHOLE } from './markov-rollup';
import { Param, sql, Sql } from '../../../db/sql-tag';

/** One transition count of the rollup: converting (s2 '' = CONVERSION) or not (s2 '' = NULL); s1 '' = START. */
export interface TransitionRow {
  conv: boolean;
  s1: string;
  s2: string;
  n: number;
}

/** markov_touch's state column of each grouping. */
const STATE: Record<AttributionGroupBy, string> = {
  [AttributionGroupBy.CAMPAIGN]: 'campaign',
  [AttributionGroupBy.CHANNEL]: 'channel',
};

/**
 * CTEs `mk_ok` and `mk_counts(conv, s1, s2, n)` (summed by the caller): the MARKOV chain's transition counts of a report
 * with asOf, whole UTC days [from, to) and the lookback, for the grouping, from markov_day and a few units,
 * exactly as the journeys of definitions.md section 6 give them:
 * - converting journeys: the C rows of the close days in [from, to);
 * - non-converting ones, every lead's touches on days [a = from − lookback, to): the T rows of those days, with the
 *   events of the touch pairs across a or to (found by the GiST index on their day span) replaced by their events in
 *   the window;
 * - minus the leads linked to the report's won deals: the W rows of the close days (leads with one won day whose touches
 *   are all in the window), and unit by unit the others (several won days, or touches outside the window).
 * `mk_ok` is false when a write is not applied yet or a touch or close is after asOf: the caller computes on the fly.
 */
export function markovCountsCtes(
  groupBy: AttributionGroupBy,
  lookbackDays: number,
  p: { asOf: Param; from: Param; to: Param },
): Sql {
  const s = `u.${STATE[groupBy]}`;
  const ns = `u.next_${STATE[groupBy]}`;
  return sql`
    mk_ok AS (SELECT NOT EXISTS (SELECT 1 FROM markov_dirty)
      AND coalesce((SELECT max(occurred_at) FROM touchpoints) <= ${p.asOf}, true)
      AND coalesce((SELECT max(closed_at) FROM deals WHERE status = 'WON') <= ${p.asOf}, true) AS ok),
    mk_b AS MATERIALIZED (SELECT f, t, f - ${Number(lookbackDays)} AS a FROM (SELECT (${p.from}::timestamptz AT TIME ZONE 'UTC')::date AS f, (${p.to}::timestamptz AT TIME ZONE 'UTC')::date AS t) x),
    mk_irr AS (
      SELECT w.lead_id, bool_and(w.n_x = 1) AS single FROM mk_b b JOIN markov_won w ON w.x_day >= b.f AND w.x_day < b.t
      WHERE w.n_x > 1 OR w.first_day < b.a OR w.last_day >= b.t GROUP BY w.lead_id
    ),
    mk_counts AS (
      SELECT d.kind = 'C' AS conv, d.s1, d.s2, CASE WHEN d.kind = 'W' THEN -d.n ELSE d.n END AS n
      FROM mk_b b JOIN markov_day d ON d.dim = '${groupBy}' AND d.kind IN ('C', 'T', 'W')
        AND d.day >= CASE WHEN d.kind = 'T' THEN b.a ELSE b.f END AND d.day < b.t
      UNION ALL
      SELECT false, e.s1, e.s2, x.sign
      FROM mk_b b JOIN markov_touch u ON u.next_day > u.day AND (daterange(u.day, u.next_day, '(]') @> b.a OR daterange(u.day, u.next_day, '(]') @> b.t)
      CROSS JOIN LATERAL (VALUES (1, b.a, b.t), (-1, ${WHOLE[0]}, ${WHOLE[1]})) x(sign, lo, hi)
      ${eventsSql('x.lo', 'x.hi', s, ns)}
      WHERE e.ok AND (x.sign = 1 OR (u.day >= b.a AND u.day < b.t))
      UNION ALL
      SELECT false, e.s1, e.s2, x.sign
      FROM mk_b b CROSS JOIN mk_irr i JOIN markov_touch u ON u.lead_id = i.lead_id
      CROSS JOIN LATERAL (VALUES (-1, b.a, b.t), (1, ${WHOLE[0]}, ${WHOLE[1]})) x(sign, lo, hi)
      ${eventsSql('x.lo', 'x.hi', s, ns)}
      WHERE e.ok AND (x.sign = -1 OR i.single)
    )`;
}

/** The summed counts of `mk_counts` as a json array of TransitionRow. */
export const MARKOV_COUNTS_JSON = `(SELECT json_agg(json_build_object('conv', conv, 's1', s1, 's2', s2, 'n', n)) FROM (
        SELECT conv, s1, s2, sum(n)::int AS n FROM mk_counts GROUP BY 1, 2, 3 HAVING sum(n) <> 0) c)`;
