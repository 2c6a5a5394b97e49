import { joinSql, Param, param, sql, Sql } from '../../db/sql-tag';
import { FitAttribute, FitOperator } from './qualification.types';
import { DefinitionSpec } from './definition.check';

/**
 * Scores are compared with this tolerance: 2^(−Δ/h) is rounded in the last bit differently by different maths
 * libraries, and a sum that equals the threshold in exact arithmetic ("40 exactly, ≥ holds") must not fall 1e−15 short.
 */
export const SCORE_EPSILON = 1e-9;

/** Where each fit attribute is read (SQL column expressions of the calling statement). */
export type FitColumns = Record<FitAttribute, string>;

/**
 * The fit score (definitions.md §8) as one SQL expression: a CASE per rule, its values and points bound as parameters
 * (lower-cased by PostgreSQL, once per statement); a null attribute matches no rule. An inline expression costs
 * nanoseconds per lead, where a scan of the rules per lead cost ~35 µs (35 s at 1M leads).
 */
function fitScoreSql(rules: DefinitionSpec['fitRules']): (cols: FitColumns) => Sql {
  return (cols) => {
    const terms = rules.map((r) => {
      const v = cols[r.attribute];
      const values = param(r.values ?? []);
      const lowered = sql`ARRAY(SELECT lower(x) FROM unnest(${values}::text[]) x)`;
      let match: Sql;
      if (r.op === FitOperator.IN) match = sql`lower(${v}::text) = ANY(${lowered})`;
      else if (r.op === FitOperator.NOT_IN) match = sql`lower(${v}::text) <> ALL(${lowered})`;
      else if (r.op === FitOperator.CONTAINS_ANY)
        // contains w ⇔ LIKE '%w%' with w's own %, _ and \ escaped
        match = sql`lower(${v}::text) LIKE ANY(ARRAY(SELECT '%' || replace(replace(replace(lower(x), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
          FROM unnest(${values}::text[]) x))`;
      else
        match = sql`${v} IS NOT NULL${r.min != null ? sql` AND ${v}::float8 >= ${param(r.min)}::float8` : ''}${
          r.max != null ? sql` AND ${v}::float8 < ${param(r.max)}::float8` : ''
        }`;
      return sql` + CASE WHEN ${match} THEN ${param(r.points)}::int ELSE 0 END`;
    });
    return sql`(0${joinSql(terms, '')})`;
  };
}

/**
 * Decay works on a grid of eras of ERA_HALF_LIVES half-lives: a touch's weight is kept relative to the start of the
 * era it is read in, 2^((t − eraStart)/halfLife), so running sums never overflow (|exponent| ≤ ERA_HALF_LIVES) however
 * long a lead's history is. A touch counts for at most one era length (its weight after that is below 2^−400,
 * ~1e−120 of its points: nothing a threshold can see), so it spans at most two eras.
 */
export const ERA_HALF_LIVES = 400;

/** The bound values of one definition, each one placeholder wherever it is used. */
export interface DefinitionParams {
  /** The engagement rules (the statement has a branch per rule). */
  engagementRules: DefinitionSpec['engagementRules'];
  /** The fit score of a row from its attributes' columns (FitColumns). */
  fitScore: (cols: FitColumns) => Sql;
  fitThreshold: Param;
  engagementThreshold: Param;
  windowSeconds: Param;
  halfLifeDays: Param;
  /** Whether a rule has a maxCount (the statement then orders each rule's touches to find where a cap drops one). */
  capped: boolean;
  /** Era length in half-lives (ERA_HALF_LIVES; a test shortens it so that histories cross eras). */
  eraHalfLives: number;
}

export const definitionParams = (d: DefinitionSpec, eraHalfLives = ERA_HALF_LIVES): DefinitionParams => ({
  fitScore: fitScoreSql(d.fitRules),
  engagementRules: d.engagementRules,
  fitThreshold: param(d.fitThreshold),
  engagementThreshold: param(d.engagementThreshold - SCORE_EPSILON),
  windowSeconds: param(d.engagementWindowDays * 86_400),
  halfLifeDays: param(d.engagementHalfLifeDays),
  capped: d.engagementRules.some((r) => r.maxCount != null),
  eraHalfLives,
});

/**
 * CTEs after `pop(lead_id, since, title, source, account_id)` (the leads to evaluate, each from its own `since`,
 * with the lead's columns fit reads), ending in
 * `qualified(lead_id, at)`: each lead's first qualifying instant (definitions.md §8) at or before `upto`, when its fit
 * meets the threshold. Set-based and linear in the touches read, one sort of them:
 * - each (touch, engagement rule) pair counts from its instant until it leaves the window or, under a cap, until the
 *   maxCount-th later matching touch arrives (lead() over the rule's touches: the latest maxCount then no longer
 *   include it; touches at one instant weigh the same, so which of them a tie keeps changes nothing);
 * - that is an event +points·weight when it starts and −points·weight when it stops, so the engagement at a candidate
 *   instant is the running sum of the events up to it (peers included) times the decay from the era's start;
 * - candidates are `since` and every touch after it; the first whose engagement meets the threshold is the answer.
 */
export const qualifiedSql = (p: DefinitionParams, upto: Param | Sql): Sql => {
  // seconds in an era, and the span a touch can count for (both "infinite" without decay: one era)
  const era = sql`(${p.halfLifeDays}::float8 * ${p.eraHalfLives}::float8 * 86400)`;
  const span = sql`make_interval(secs => CASE WHEN ${p.halfLifeDays}::float8 IS NULL THEN ${p.windowSeconds}::float8
    ELSE least(${p.windowSeconds}::float8, ${era}) END)`;
  const eraOf = (col: string) => sql`CASE WHEN ${p.halfLifeDays}::float8 IS NULL THEN 0
    ELSE floor(date_part('epoch', ${col}) / ${era}) END`;
  // 2^((epoch − eraStart)/halfLife), or 1 without decay
  const weight = (epoch: Sql, e: Sql) => sql`CASE WHEN ${p.halfLifeDays}::float8 IS NULL THEN 1::float8
    ELSE power(2::float8, (${epoch} - ${e} * ${era}) / (${p.halfLifeDays}::float8 * 86400)) END`;
  return sql`,
    fit AS (
      SELECT pop.lead_id, pop.since FROM pop LEFT JOIN accounts a ON a.id = pop.account_id
      WHERE pop.since <= ${upto}
        AND ${p.fitScore({ INDUSTRY: 'a.industry', REGION: 'a.region', EMPLOYEES: 'a.employees', TITLE: 'pop.title', SOURCE: 'pop.source' })} >= ${p.fitThreshold}
    ),
    -- the touches that can count at a candidate: in (since − window, upto]
    touches AS MATERIALIZED (
      SELECT fit.lead_id, fit.since, t.occurred_at AS at, t.type, t.channel
      FROM fit JOIN touchpoints t ON t.lead_id = fit.lead_id
        AND t.occurred_at > fit.since - make_interval(secs => ${p.windowSeconds}) AND t.occurred_at <= ${upto}
    ),
    -- the (touch, rule) pairs: one scan of the touches per rule (a join on the rules' optional fields would not hash)
    pairs AS (${joinSql(
      p.engagementRules.length
        ? p.engagementRules.map(
            (r, i) => sql`
      SELECT lead_id, since, at, ${i + 1} AS ord, ${param(r.points)}::float8 AS points, ${param(r.maxCount)}::int AS max_count
      FROM touches WHERE true${r.touchType != null ? sql` AND type = ${param(r.touchType)}` : ''}${
        r.channel != null ? sql` AND channel = ${param(r.channel)}` : ''
      }`,
          )
        : [
            sql`
      SELECT NULL::bigint, NULL::timestamptz, NULL::timestamptz, 0, 0::float8, NULL::int WHERE false`,
          ],
      '\n      UNION ALL',
    )}
    ),
    -- each pair's weight relative to its era's start (v0) and, when it counts into the next era, to that one's (v1)
    spans AS MATERIALIZED (
      SELECT s.lead_id, s.since, s.at, s.until, s.e0, s.e1, s.points * ${weight(sql`s.ep`, sql`s.e0`)} AS v0,
        CASE WHEN s.e1 > s.e0 THEN s.points * ${weight(sql`s.ep`, sql`(s.e0 + 1)`)} END AS v1
      FROM (
        SELECT s.*, date_part('epoch', s.at) AS ep, ${eraOf('s.at')} AS e0, ${eraOf('s.until')} AS e1
        FROM (
          SELECT pairs.*, ${
            p.capped
              ? sql`least(at + ${span}, CASE WHEN max_count IS NOT NULL
              THEN lead(at, max_count) OVER (PARTITION BY lead_id, ord ORDER BY at) END)`
              : sql`at + ${span}`
          } AS until
          FROM pairs
        ) s
      ) s
    ),
    events AS (
      SELECT lead_id, ${eraOf('since')} AS e, since AS at, 0::float8 AS v, true AS cand FROM fit
      UNION ALL
      SELECT lead_id, e0, at, v0, at > since FROM spans
      UNION ALL
      SELECT lead_id, e0, until, -v0, false FROM spans WHERE e1 = e0 AND until <= ${upto}
      UNION ALL
      -- a span crossing into the next era enters it at the era's start, weighed from there
      SELECT lead_id, e0 + 1, to_timestamp((e0 + 1) * ${era}), v1, false FROM spans
      WHERE e1 > e0 AND to_timestamp((e0 + 1) * ${era}) <= ${upto}
      UNION ALL
      SELECT lead_id, e0 + 1, until, -v1, false FROM spans WHERE e1 > e0 AND until <= ${upto}
    ),
    scored AS (
      SELECT lead_id, e, at, cand, sum(v) OVER (PARTITION BY lead_id, e ORDER BY at) AS s FROM events
    ),
    qualified AS (
      SELECT lead_id, min(at) AS at FROM scored
      WHERE cand AND s * ${weight(sql`-date_part('epoch', at)`, sql`-e`)} >= ${p.engagementThreshold}
      GROUP BY lead_id
    )`;
};
