import { Param, param, sql, Sql } from '../../db/sql-tag';
import { DefinitionSpec } from './definition.check';

/**
 * Scores are compared with this tolerance: 2^(−Δ/h) is rounded in the last bit differently by different maths
 * libraries, and a sum that equals the threshold in exact arithmetic ("40 exactly, ≥ holds") must not fall 1e−15 short.
 */
export const SCORE_EPSILON = 1e-9;

/** The bound values of one definition, each one placeholder wherever it is used. */
export interface DefinitionParams {
  fitRules: Param;
  engagementRules: Param;
  fitThreshold: Param;
  engagementThreshold: Param;
  windowSeconds: Param;
  halfLifeDays: Param;
}

export const definitionParams = (d: DefinitionSpec): DefinitionParams => ({
  fitRules: param(JSON.stringify(d.fitRules)),
  engagementRules: param(JSON.stringify(d.engagementRules)),
  fitThreshold: param(d.fitThreshold),
  engagementThreshold: param(d.engagementThreshold - SCORE_EPSILON),
  windowSeconds: param(d.engagementWindowDays * 86_400),
  halfLifeDays: param(d.engagementHalfLifeDays),
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

/** Weight of a touch at `t` seen from instant `at`: 2^(−days/halfLife), or 1 without decay. */
const decay = (p: DefinitionParams, at: string, t: string) =>
  sql`CASE WHEN ${p.halfLifeDays}::float8 IS NULL THEN 1::float8
    ELSE power(2::float8, -(extract(epoch FROM ${at} - ${t})::float8 / 86400) / ${p.halfLifeDays}::float8) END`;

/**
 * CTEs after `pop(lead_id, since)` (the leads to evaluate, each from its own `since`), ending in
 * `qualified(lead_id, at)`: each lead's first qualifying instant (definitions.md §8) at or before `upto`, when its fit
 * meets the threshold. Candidates are `since` and every touch after it; at each, the engagement is the sum over rules
 * of the latest maxCount matching touches in (c − window, c], decayed. Set-based: one pass for any number of leads.
 */
export const qualifiedSql = (p: DefinitionParams, upto: Param | Sql): Sql => sql`,
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
    -- LATERAL index range scans per lead (touchpoints_lead_id_occurred_at_idx; OFFSET 0 keeps the planner from
    -- flattening them into a hash of every touch): the work grows with the leads evaluated, not with all touches
    cand AS (
      SELECT lead_id, since AS c FROM fit
      UNION
      SELECT fit.lead_id, t.occurred_at FROM fit
      CROSS JOIN LATERAL (SELECT t.occurred_at FROM touchpoints t WHERE t.lead_id = fit.lead_id
        AND t.occurred_at > fit.since AND t.occurred_at <= ${upto} OFFSET 0) t
    ),
    hits AS (
      SELECT cand.lead_id, cand.c, r.points * ${decay(p, 'cand.c', 't.occurred_at')} AS points, r.max_count,
        row_number() OVER (PARTITION BY cand.lead_id, cand.c, r.ord ORDER BY t.occurred_at DESC, t.external_id DESC) AS rn
      FROM cand
      CROSS JOIN LATERAL (SELECT t.occurred_at, t.external_id, t.type, t.channel FROM touchpoints t
        WHERE t.lead_id = cand.lead_id AND t.occurred_at > cand.c - make_interval(secs => ${p.windowSeconds})
          AND t.occurred_at <= cand.c OFFSET 0) t
      JOIN rules r ON (r.touch_type IS NULL OR r.touch_type = t.type) AND (r.channel IS NULL OR r.channel = t.channel)
    ),
    eng AS (
      SELECT lead_id, c, sum(points) AS score FROM hits WHERE max_count IS NULL OR rn <= max_count GROUP BY lead_id, c
    ),
    qualified AS (
      SELECT cand.lead_id, min(cand.c) AS at FROM cand LEFT JOIN eng USING (lead_id, c)
      WHERE coalesce(eng.score, 0) >= ${p.engagementThreshold}
      GROUP BY cand.lead_id
    )`;
