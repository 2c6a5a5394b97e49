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

/** The fit score of lead `l` with account `a` (LEFT JOINed) under the definition. */
export const fitScoreSql = (p: DefinitionParams) =>
  sql`qualification_fit(${p.fitRules}::jsonb, a.industry, a.region, a.employees, l.title, l.source)`;

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
    fit AS (
      SELECT pop.lead_id, pop.since FROM pop JOIN leads l ON l.id = pop.lead_id LEFT JOIN accounts a ON a.id = l.account_id
      WHERE pop.since <= ${upto} AND ${fitScoreSql(p)} >= ${p.fitThreshold}
    ),
    rules AS MATERIALIZED (
      SELECT r.ord, r.rule->>'touchType' AS touch_type, r.rule->>'channel' AS channel, (r.rule->>'points')::float8 AS points,
        (r.rule->>'maxCount')::int AS max_count
      FROM jsonb_array_elements(${p.engagementRules}::jsonb) WITH ORDINALITY r(rule, ord)
    ),
    cand AS (
      SELECT lead_id, since AS c FROM fit
      UNION
      SELECT t.lead_id, t.occurred_at FROM fit JOIN touchpoints t ON t.lead_id = fit.lead_id
      WHERE t.occurred_at > fit.since AND t.occurred_at <= ${upto}
    ),
    hits AS (
      SELECT cand.lead_id, cand.c, r.points * ${decay(p, 'cand.c', 't.occurred_at')} AS points, r.max_count,
        row_number() OVER (PARTITION BY cand.lead_id, cand.c, r.ord ORDER BY t.occurred_at DESC, t.external_id DESC) AS rn
      FROM cand JOIN touchpoints t ON t.lead_id = cand.lead_id
        AND t.occurred_at > cand.c - make_interval(secs => ${p.windowSeconds}) AND t.occurred_at <= cand.c
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
