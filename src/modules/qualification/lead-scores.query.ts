import { Queryable, rows } from '../../db/sql';
import { LeadQualification } from './qualification.types';

export interface LeadScoreRow {
  leadId: string;
  fit: number;
  engagement: number;
}

/** Fit and engagement (now) of these leads under the active definition; no rows when none is active. */
export function leadScores(db: Queryable, leadIds: readonly string[]): Promise<LeadScoreRow[]> {
  return rows<LeadScoreRow>(
    db,
    `SELECT l.id::text AS "leadId",
       qualification_fit(d.fit_rules, a.industry, a.region, a.employees, l.title, l.source) AS fit,
       (SELECT coalesce(sum(h.points), 0) FROM qualification_engagement_hits(d.engagement_rules, d.engagement_window_days,
          d.engagement_half_life_days, l.id, now()) h)::float8 AS engagement
     FROM leads l JOIN qualification_definitions d ON d.status = 'ACTIVE' LEFT JOIN accounts a ON a.id = l.account_id
     WHERE l.id = ANY($1::bigint[])`,
    [leadIds],
  );
}

/** Label of an engagement rule in a reason: its touch type and/or channel. */
const ENGAGEMENT_LABEL = `coalesce(r.rule->>'touchType' || ' ' || (r.rule->>'channel'), r.rule->>'touchType', r.rule->>'channel', 'ANY_TOUCH')`;

/**
 * Each lead's latest automatic MQL with its reasons (definitions.md §8): every matching fit rule with its points, then
 * every touch contribution at the qualifying instant under the version that recorded it, largest first per rule.
 */
export async function leadQualifications(
  db: Queryable,
  leadIds: readonly string[],
): Promise<(LeadQualification & { leadId: string })[]> {
  const r = await rows<LeadQualification & { leadId: string; qualifiedAt: Date }>(
    db,
    `SELECT m.lead_id::text AS "leadId", m.qualification_version AS version, m.occurred_at AS "qualifiedAt",
       coalesce((SELECT json_agg(json_build_object('kind', x.kind, 'rule', x.rule, 'points', x.points) ORDER BY x.k, x.ord, x.points DESC)
         FROM (
           SELECT 1 AS k, r.ord, 'FIT' AS kind, r.rule->>'attribute' AS rule, (r.rule->>'points')::float8 AS points
           FROM jsonb_array_elements(d.fit_rules) WITH ORDINALITY r(rule, ord)
           WHERE qualification_rule_matches(r.rule, qualification_attribute(r.rule, a.industry, a.region, a.employees, l.title, l.source))
           UNION ALL
           SELECT 2, h.rule_no, 'ENGAGEMENT', ${ENGAGEMENT_LABEL}, h.points
           FROM qualification_engagement_hits(d.engagement_rules, d.engagement_window_days, d.engagement_half_life_days, l.id, m.occurred_at) h
           JOIN jsonb_array_elements(d.engagement_rules) WITH ORDINALITY r(rule, ord) ON r.ord = h.rule_no
         ) x), '[]') AS reasons
     FROM (SELECT DISTINCT ON (c.lead_id) c.lead_id, c.qualification_version, c.occurred_at FROM lead_stage_changes c
           WHERE c.lead_id = ANY($1::bigint[]) AND c.qualification_version IS NOT NULL
           ORDER BY c.lead_id, c.occurred_at DESC, c.id DESC) m
     JOIN leads l ON l.id = m.lead_id LEFT JOIN accounts a ON a.id = l.account_id
     JOIN qualification_definitions d ON d.version = m.qualification_version`,
    [leadIds],
  );
  return r;
}
