import { Param, param, sql, Sql } from '../../db/sql-tag';
import { DefinitionSpec } from './definition.check';

/**
 * Scores are compared with this tolerance: 2^(−Δ/h) is rounded in the last bit differently by different maths
 * libraries, and a sum that equals the threshold in exact arithmetic ("40 exactly, ≥ holds") must not fall 1e−15 short.
 */
export const SCORE_EPSILON = 1e-9;

/**
 * Decay works on a grid of eras of ERA_HALF_LIVES half-lives: a touch's weight is kept relative to the start of the
 * era it is read in, 2^((t − eraStart)/halfLife), so running sums never overflow (|exponent| ≤ ERA_HALF_LIVES) however
 * long a lead's history is. A touch counts for at most one era length (its weight after that is below 2^−400,
 * ~1e−120 of its points: nothing a threshold can see), so it spans at most two eras.
 */
export const ERA_HALF_LIVES = 400;

/** The bound values of one definition, each one placeholder wherever it is used. */
export interface DefinitionParams {
  fitRules: Param;
  engagementRules: Param;
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
  fitRules: param(JSON.stringify(d.fitRules)),
  engagementRules: param(JSON.stringify(d.engagementRules)),
  fitThreshold: param(d.fitThreshold),
  engagementThreshold: param(d.engagementThreshold - SCORE_EPSILON),
  windowSeconds: param(d.engagementWindowDays * 86_400),
  halfLifeDays: param(d.engagementHalfLifeDays),
  capped: d.engagementRules.some((r) => r.maxCount != null),
  eraHalfLives,
});

/**
 * The fit score of the attributes of row `t` (columns industry, region, employees, title, source) under the
 * definition, from the CTE `fit_rules` (fitRulesSql): a scan of a handful of pre-parsed rules. (qualification_fit()
 * computes the same in one call, but a SQL function with a sub-select is never inlined, and parsing the rules' JSON
 * per lead costs ~35 µs: 35 s at 1M leads.)
 */
export const fitScoreSql = (t: string) => sql`(SELECT coalesce(sum(fr.points), 0) FROM fit_rules fr
      CROSS JOIN LATERAL (SELECT CASE fr.attribute WHEN 'INDUSTRY' THEN ${t}.industry WHEN 'REGION' THEN ${t}.region
        WHEN 'EMPLOYEES' THEN ${t}.employees::text WHEN 'TITLE' THEN ${t}.title WHEN 'SOURCE' THEN ${t}.source END AS v) x
      WHERE x.v IS NOT NULL AND CASE fr.op
        WHEN 'IN' THEN lower(x.v) = ANY(fr.vals)
        WHEN 'NOT_IN' THEN lower(x.v) <> ALL(fr.vals)
        WHEN 'CONTAINS_ANY' THEN EXISTS (SELECT 1 FROM unnest(fr.vals) w WHERE strpos(lower(x.v), w) > 0)
        WHEN 'BETWEEN' THEN (fr.lo IS NULL OR x.v::float8 >= fr.lo) AND (fr.hi IS NULL OR x.v::float8 < fr.hi)
        ELSE false END)`;

/** CTE `fit_rules(points, attribute, op, vals, lo, hi)`: the fit rules parsed once, values lower-cased. */
export const fitRulesSql = (p: DefinitionParams) => sql`fit_rules AS MATERIALIZED (
      SELECT (r->>'points')::int AS points, r->>'attribute' AS attribute, r->>'op' AS op,
        ARRAY(SELECT lower(v) FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(r->'values') = 'array' THEN r->'values' ELSE '[]' END) v) AS vals,
        (r->>'min')::float8 AS lo, (r->>'max')::float8 AS hi
      FROM jsonb_array_elements(${p.fitRules}::jsonb) r
    )`;


/**
 * CTEs after `pop(lead_id, since)` (the leads to evaluate, each from its own `since`), ending in
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
    ${fitRulesSql(p)},
    attrs AS (
      SELECT pop.lead_id, pop.since, jsonb_build_array(a.industry, a.region, a.employees, l.title, l.source) AS k,
        a.industry, a.region, a.employees, l.title, l.source
      FROM pop JOIN leads l ON l.id = pop.lead_id LEFT JOIN accounts a ON a.id = l.account_id
      WHERE pop.since <= ${upto}
    ),
    -- fit depends on five attributes only: each distinct combination is scored once (leads share them)
    fitting AS (
      SELECT t.k FROM (SELECT k, min(industry) AS industry, min(region) AS region, min(employees) AS employees,
        min(title) AS title, min(source) AS source FROM attrs GROUP BY k) t
      WHERE ${fitScoreSql('t')} >= ${p.fitThreshold}
    ),
    fit AS (SELECT attrs.lead_id, attrs.since FROM attrs JOIN fitting USING (k)),
    rules AS MATERIALIZED (
      SELECT r.ord, r.rule->>'touchType' AS touch_type, r.rule->>'channel' AS channel, (r.rule->>'points')::float8 AS points,
        (r.rule->>'maxCount')::int AS max_count
      FROM jsonb_array_elements(${p.engagementRules}::jsonb) WITH ORDINALITY r(rule, ord)
    ),
    -- the (touch, rule) pairs that can count at a candidate: touches in (since − window, upto]
    pairs AS (
      SELECT fit.lead_id, fit.since, t.occurred_at AS at, r.ord, r.points, r.max_count
      FROM fit JOIN touchpoints t ON t.lead_id = fit.lead_id
        AND t.occurred_at > fit.since - make_interval(secs => ${p.windowSeconds}) AND t.occurred_at <= ${upto}
      JOIN rules r ON (r.touch_type IS NULL OR r.touch_type = t.type) AND (r.channel IS NULL OR r.channel = t.channel)
    ),
    spans AS (
      SELECT s.lead_id, s.since, s.at, s.points, date_part('epoch', s.at) AS ep, ${eraOf('s.at')} AS e0,
        ${eraOf('s.until')} AS e1, s.until
      FROM (
        SELECT pairs.*, ${
          p.capped
            ? sql`least(at + ${span}, CASE WHEN max_count IS NOT NULL
            THEN lead(at, max_count) OVER (PARTITION BY lead_id, ord ORDER BY at) END)`
            : sql`at + ${span}`
        } AS until
        FROM pairs
      ) s
    ),
    events AS (
      SELECT lead_id, ${eraOf('since')} AS e, since AS at, 0::float8 AS v, true AS cand FROM fit
      UNION ALL
      SELECT s.lead_id, x.e, x.at, x.v, x.cand FROM spans s
      CROSS JOIN LATERAL (VALUES
        (s.e0, s.at, s.points * ${weight(sql`s.ep`, sql`s.e0`)}, s.at > s.since),
        (CASE WHEN s.e1 = s.e0 AND s.until <= ${upto} THEN s.e0 END, s.until, -s.points * ${weight(sql`s.ep`, sql`s.e0`)}, false),
        -- a span crossing into the next era enters it at the era's start, weighed from there
        (CASE WHEN s.e1 > s.e0 AND to_timestamp((s.e0 + 1) * ${era}) <= ${upto} THEN s.e0 + 1 END,
          to_timestamp((s.e0 + 1) * ${era}), s.points * ${weight(sql`s.ep`, sql`(s.e0 + 1)`)}, false),
        (CASE WHEN s.e1 > s.e0 AND s.until <= ${upto} THEN s.e0 + 1 END, s.until, -s.points * ${weight(sql`s.ep`, sql`(s.e0 + 1)`)}, false)
      ) x(e, at, v, cand)
      WHERE x.e IS NOT NULL
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
