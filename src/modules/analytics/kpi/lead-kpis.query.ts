import { Queryable, rows } from '../../../db/sql';
import { anyFirstEntryIn, leadFirstEntries } from '../funnel/funnel.query';

/**
 * What the KPI queries are computed over: consecutive periods [edges[i], edges[i+1]) (one period for `kpis`, the
 * buckets of a series otherwise), all as of asOf.
 */
export interface KpiScope {
  edges: Date[];
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

/** Period index (1-based) of an instant column, by width_bucket over the sorted edges in $2; valid 1..n. */
export const period = (col: string) => `width_bucket(${col}, $2::timestamptz[])`;
/** The periods 1..n of the scope, as a relation `p(i)`. */
export const PERIODS = `SELECT generate_series(1, array_length($2::timestamptz[], 1) - 1) AS i`;

/**
 * Body of a LATERAL subquery giving a lead's hand-off disposition (definitions.md section 5): the first accepted (SAL or
 * SQL event, or its first OPPORTUNITY entry `f5`) or returned (REJECTED, RECYCLED, DISQUALIFIED; reason, OTHER when
 * none) event at or after reach_MQL `r2` (and at or before `asOf`, when given); at one instant acceptance comes first.
 */
export const dispositionSql = (leadId: string, r2: string, f5: string, asOf: string | null) => `
        SELECT e.kind, e.at, e.reason FROM (
          SELECT 'ACCEPTED' AS kind, ev.occurred_at AS at, NULL::text AS reason, 0 AS ord, ev.id AS seq FROM lead_stage_changes ev
            WHERE ev.lead_id = ${leadId} AND ev.event IN ('SAL', 'SQL') AND ev.occurred_at >= ${r2}${asOf ? ` AND ev.occurred_at <= ${asOf}` : ''}
          UNION ALL
          -- the earliest deal creation is the lead's first OPPORTUNITY entry, never before reach_MQL
          SELECT 'ACCEPTED', ${f5}, NULL, 0, 0::bigint WHERE ${f5} IS NOT NULL
          UNION ALL
          SELECT 'RETURNED', ev.occurred_at, coalesce(ev.reason, 'OTHER'), 1, ev.id FROM lead_stage_changes ev
            WHERE ev.lead_id = ${leadId} AND ev.event IN ('REJECTED', 'RECYCLED', 'DISQUALIFIED') AND ev.occurred_at >= ${r2}${asOf ? ` AND ev.occurred_at <= ${asOf}` : ''}
        ) e ORDER BY e.at, e.ord, e.seq LIMIT 1`;

/**
 * Lead KPIs of definitions.md section 5 in one statement, one row per period (in order): flow counts of reaches in
 * the period, the MQL cohort's conversion to SQL within the window, and its hand-off disposition (the first accepted or
 * returned event at or after reach_MQL; at one instant acceptance comes first): rejection rate and reasons, response
 * hours, SLA compliance. Every lead falls in at most one period per milestone, so a series costs one pass.
 */
export async function queryLeadKpis(db: Queryable, s: KpiScope, slaHours: number): Promise<LeadKpiRow[]> {
  return rows<LeadKpiRow>(
    db,
    `
    WITH firsts AS (
      SELECT l.id, ${leadFirstEntries('$7')}
      FROM leads l
      WHERE l.created_at <= $1 AND ($4::text[] IS NULL OR l.source = ANY($4)) AND ($5::bigint[] IS NULL OR l.owner_id = ANY($5))
        AND ${anyFirstEntryIn('($2::timestamptz[])[1]', '($2::timestamptz[])[array_length($2::timestamptz[], 1)]', s.currentOutcomes)}
    ),
    reaches AS (
      SELECT id, f5, least(f1, f2, f3, f4, f5, f6) AS r1, least(f2, f3, f4, f5, f6) AS r2, least(f3, f4, f5, f6) AS r3, least(f4, f5, f6) AS r4
      FROM firsts
    ),
    flow AS (
      SELECT p AS i, count(*) FILTER (WHERE k = 1) AS leads, count(*) FILTER (WHERE k = 2) AS mqls,
        count(*) FILTER (WHERE k = 3) AS sals, count(*) FILTER (WHERE k = 4) AS sqls
      FROM reaches CROSS JOIN LATERAL (VALUES (1, ${period('r1')}), (2, ${period('r2')}), (3, ${period('r3')}), (4, ${period('r4')})) v(k, p)
      -- reaches are monotone (r1 <= r2 <= r3 <= r4 where defined): skip leads with none of them in scope
      WHERE r1 < ($2::timestamptz[])[array_length($2::timestamptz[], 1)] AND coalesce(r4, r3, r2, r1) >= ($2::timestamptz[])[1]
      GROUP BY p
    ),
    cohort AS (SELECT id, f5, r2, r4, ${period('r2')} AS i FROM reaches
      WHERE r2 >= ($2::timestamptz[])[1] AND r2 < ($2::timestamptz[])[array_length($2::timestamptz[], 1)]),
    disp AS (
      SELECT c.i, c.r2, c.r4, d.kind, d.at, d.reason, extract(epoch FROM d.at - c.r2) / 3600 AS h FROM cohort c
      LEFT JOIN LATERAL (${dispositionSql('c.id', 'c.r2', 'c.f5', '$1')}) d ON true
    ),
    handoff AS (
      SELECT i, count(*) AS "mqlCohort",
        count(*) FILTER (WHERE r4 <= least($1, r2 + make_interval(secs => coalesce($3::float8, 1e12)))) AS "mqlToSql",
        count(*) FILTER (WHERE kind = 'ACCEPTED') AS accepted,
        count(*) FILTER (WHERE kind = 'RETURNED') AS returned,
        avg(h) AS "responseMeanHours",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY h) AS "responseMedianHours",
        count(*) FILTER (WHERE kind IS NOT NULL AND h <= $6) AS "onTime",
        count(*) FILTER (WHERE (kind IS NOT NULL AND h > $6) OR (kind IS NULL AND r2 + make_interval(secs => $6 * 3600) <= $1)) AS breached
      FROM disp GROUP BY i
    ),
    reasons AS (
      SELECT i, json_agg(json_build_object('reason', reason, 'count', n) ORDER BY reason) AS reasons
      FROM (SELECT i, reason, count(*)::int AS n FROM disp WHERE kind = 'RETURNED' GROUP BY i, reason) x GROUP BY i
    )
    SELECT
      coalesce(f.leads, 0)::int AS leads, coalesce(f.mqls, 0)::int AS mqls, coalesce(f.sals, 0)::int AS sals, coalesce(f.sqls, 0)::int AS sqls,
      coalesce(h."mqlCohort", 0)::int AS "mqlCohort", coalesce(h."mqlToSql", 0)::int AS "mqlToSql",
      coalesce(h.accepted, 0)::int AS accepted, coalesce(h.returned, 0)::int AS returned,
      h."responseMeanHours"::float8 AS "responseMeanHours", h."responseMedianHours"::float8 AS "responseMedianHours",
      coalesce(h."onTime", 0)::int AS "onTime", coalesce(h.breached, 0)::int AS breached, r.reasons
    FROM (${PERIODS}) p LEFT JOIN flow f USING (i) LEFT JOIN handoff h USING (i) LEFT JOIN reasons r USING (i)
    ORDER BY p.i`,
    [s.asOf, s.edges, s.windowSeconds, s.sources, s.ownerIds, slaHours, s.currentOutcomes],
  );
}
