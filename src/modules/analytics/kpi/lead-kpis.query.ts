import { Queryable, rows } from '../../../db/sql';
import { leadFirstEntries } from '../funnel/funnel.query';

export interface KpiScope {
  from: Date;
  to: Date;
  asOf: Date;
  windowSeconds: number | null;
  sources: string[] | null;
  ownerIds: string[] | null;
  currentOutcomes: boolean;
}

export interface LeadKpiRow {
  leads: number;
  mqls: number;
  sals: number;
  sqls: number;
  mqlCohort: number;
  mqlToSql: number;
  accepted: number;
  returned: number;
  responseMeanHours: number | null;
  responseMedianHours: number | null;
  onTime: number;
  breached: number;
  reasons: { reason: string; count: number }[] | null;
}

/**
 * Lead KPIs of definitions.md section 5 in one statement: flow counts of reaches in [from, to), the MQL cohort's
 * conversion to SQL within the window, and its hand-off disposition (the first accepted or returned event at or after
 * reach_MQL; at one instant acceptance comes first): rejection rate and reasons, response hours, SLA compliance.
 */
export async function queryLeadKpis(db: Queryable, s: KpiScope, slaHours: number): Promise<LeadKpiRow> {
  const r = await rows<LeadKpiRow>(db, `
    WITH firsts AS (
      SELECT l.id, ${leadFirstEntries('$8')}
      FROM leads l
      WHERE l.created_at <= $1 AND ($5::text[] IS NULL OR l.source = ANY($5)) AND ($6::bigint[] IS NULL OR l.owner_id = ANY($6))
    ),
    reaches AS (
      SELECT id, least(f1, f2, f3, f4, f5, f6) AS r1, least(f2, f3, f4, f5, f6) AS r2, least(f3, f4, f5, f6) AS r3, least(f4, f5, f6) AS r4
      FROM firsts
    ),
    cohort AS (SELECT id, r2, r4 FROM reaches WHERE r2 >= $2 AND r2 < $3),
    disp AS (
      SELECT c.id, c.r2, d.kind, d.at, d.reason FROM cohort c
      LEFT JOIN LATERAL (
        SELECT e.kind, e.at, e.reason FROM (
          SELECT 'ACCEPTED' AS kind, x.occurred_at AS at, NULL::text AS reason, 0 AS ord, x.id AS seq FROM lead_stage_changes x
            WHERE x.lead_id = c.id AND x.event IN ('SAL', 'SQL') AND x.occurred_at >= c.r2 AND x.occurred_at <= $1
          UNION ALL
          SELECT 'ACCEPTED', d.created_at, NULL, 0, d.id FROM deal_leads dl JOIN deals d ON d.id = dl.deal_id
            WHERE dl.lead_id = c.id AND d.created_at >= c.r2 AND d.created_at <= $1
          UNION ALL
          SELECT 'RETURNED', x.occurred_at, coalesce(x.reason, 'OTHER'), 1, x.id FROM lead_stage_changes x
            WHERE x.lead_id = c.id AND x.event IN ('REJECTED', 'RECYCLED', 'DISQUALIFIED') AND x.occurred_at >= c.r2 AND x.occurred_at <= $1
        ) e ORDER BY e.at, e.ord, e.seq LIMIT 1
      ) d ON true
    ),
    hours AS (SELECT *, extract(epoch FROM at - r2) / 3600 AS h FROM disp)
    SELECT
      (SELECT count(*) FILTER (WHERE r1 >= $2 AND r1 < $3) FROM reaches)::int AS leads,
      (SELECT count(*) FILTER (WHERE r2 >= $2 AND r2 < $3) FROM reaches)::int AS mqls,
      (SELECT count(*) FILTER (WHERE r3 >= $2 AND r3 < $3) FROM reaches)::int AS sals,
      (SELECT count(*) FILTER (WHERE r4 >= $2 AND r4 < $3) FROM reaches)::int AS sqls,
      (SELECT count(*) FROM cohort)::int AS "mqlCohort",
      (SELECT count(*) FILTER (WHERE r4 <= least($1, r2 + make_interval(secs => coalesce($4::float8, 1e12)))) FROM cohort)::int AS "mqlToSql",
      (SELECT count(*) FILTER (WHERE kind = 'ACCEPTED') FROM disp)::int AS accepted,
      (SELECT count(*) FILTER (WHERE kind = 'RETURNED') FROM disp)::int AS returned,
      (SELECT avg(h) FROM hours)::float8 AS "responseMeanHours",
      (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY h) FROM hours WHERE h IS NOT NULL)::float8 AS "responseMedianHours",
      (SELECT count(*) FILTER (WHERE kind IS NOT NULL AND h <= $7) FROM hours)::int AS "onTime",
      (SELECT count(*) FILTER (WHERE (kind IS NOT NULL AND h > $7) OR (kind IS NULL AND r2 + make_interval(secs => $7 * 3600) <= $1)) FROM hours)::int AS breached,
      (SELECT json_agg(json_build_object('reason', reason, 'count', n) ORDER BY reason)
         FROM (SELECT reason, count(*)::int AS n FROM disp WHERE kind = 'RETURNED' GROUP BY reason) x) AS reasons`,
    [s.asOf, s.from, s.to, s.windowSeconds, s.sources, s.ownerIds, slaHours, s.currentOutcomes]);
  return r[0];
}
