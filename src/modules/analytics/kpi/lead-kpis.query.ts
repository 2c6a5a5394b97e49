import { preparedSqlRows } from '../../../db/prepared';
import { Queryable } from '../../../db/sql';
import { Param, param, sql, Sql } from '../../../db/sql-tag';
import { MARKETING_CHANNELS } from '../../../common/graphql/enums';
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

/** The bound values of one KPI statement, each one placeholder wherever it is used. */
export interface KpiParams {
  asOf: Param;
  /** The sorted period edges (timestamptz[]). */
  edges: Param;
  window: Param;
  sources: Param;
  owners: Param;
  current: Param;
  marketing: Param;
}

export const kpiParams = (s: KpiScope): KpiParams => ({
  asOf: param(s.asOf),
  edges: param(s.edges),
  window: param(s.windowSeconds),
  sources: param(s.sources),
  owners: param(s.ownerIds),
  current: param(s.currentOutcomes),
  marketing: param(MARKETING_CHANNELS),
});

/** Period index (1-based) of an instant column, by width_bucket over the sorted edges; valid 1..n. */
export const period = (col: string, edges: Param) => sql`width_bucket(${col}, ${edges}::timestamptz[])`;
/** The periods 1..n of the scope, as a relation `p(i)`. */
export const PERIODS = (edges: Param) =>
  sql`SELECT generate_series(1, array_length(${edges}::timestamptz[], 1) - 1) AS i`;
/** The first and the last edge: the whole scope is [scopeStart, scopeEnd). */
export const scopeStart = (edges: Param) => sql`(${edges}::timestamptz[])[1]`;
export const scopeEnd = (edges: Param) => sql`(${edges}::timestamptz[])[array_length(${edges}::timestamptz[], 1)]`;

/**
 * Body of a LATERAL subquery giving a lead's hand-off disposition (definitions.md section 5): the first accepted (SAL or
 * SQL event, or its first OPPORTUNITY entry `f5`) or returned (REJECTED, RECYCLED, DISQUALIFIED; reason, OTHER when
 * none) event at or after reach_MQL `r2` (and at or before `asOf`, when given); at one instant acceptance comes first.
 */
export const dispositionSql = (leadId: string, r2: string, f5: string, asOf: Param | null): Sql => sql`
        SELECT e.kind, e.at, e.reason FROM (
          SELECT 'ACCEPTED' AS kind, ev.occurred_at AS at, NULL::text AS reason, 0 AS ord, ev.id AS seq FROM lead_stage_changes ev
            WHERE ev.lead_id = ${leadId} AND ev.event IN ('SAL', 'SQL') AND ev.occurred_at >= ${r2}${asOf ? sql` AND ev.occurred_at <= ${asOf}` : ''}
          UNION ALL
          -- the earliest deal creation is the lead's first OPPORTUNITY entry, never before reach_MQL
          SELECT 'ACCEPTED', ${f5}, NULL, 0, 0::bigint WHERE ${f5} IS NOT NULL
          UNION ALL
          SELECT 'RETURNED', ev.occurred_at, coalesce(ev.reason, 'OTHER'), 1, ev.id FROM lead_stage_changes ev
            WHERE ev.lead_id = ${leadId} AND ev.event IN ('REJECTED', 'RECYCLED', 'DISQUALIFIED') AND ev.occurred_at >= ${r2}${asOf ? sql` AND ev.occurred_at <= ${asOf}` : ''}
        ) e ORDER BY e.at, e.ord, e.seq LIMIT 1`;

/**
 * Lead KPIs of definitions.md section 5 in one statement, one row per period (in order): flow counts of reaches in
 * the period, the MQL cohort's conversion to SQL within the window, and its hand-off disposition (the first accepted or
 * returned event at or after reach_MQL; at one instant acceptance comes first): rejection rate and reasons, response
 * hours, SLA compliance. Every lead falls in at most one period per milestone, so a series costs one pass.
 */
export async function queryLeadKpis(db: Queryable, s: KpiScope, slaHours: number): Promise<LeadKpiRow[]> {
  const p = kpiParams(s);
  const sla = param(slaHours);
  const [start, end] = [scopeStart(p.edges), scopeEnd(p.edges)];
  return preparedSqlRows<LeadKpiRow>(
    db,
    sql`
    WITH firsts AS (
      SELECT l.id, ${leadFirstEntries(p.asOf, p.current)}
      FROM live_leads l
      WHERE l.created_at <= ${p.asOf} AND (${p.sources}::text[] IS NULL OR l.source = ANY(${p.sources}))
        AND (${p.owners}::bigint[] IS NULL OR l.owner_id = ANY(${p.owners}))
        AND ${anyFirstEntryIn(start, end, s.currentOutcomes)}
    ),
    reaches AS (
      SELECT id, f5, least(f1, f2, f3, f4, f5, f6) AS r1, least(f2, f3, f4, f5, f6) AS r2, least(f3, f4, f5, f6) AS r3, least(f4, f5, f6) AS r4
      FROM firsts
    ),
    flow AS (
      SELECT p AS i, count(*) FILTER (WHERE k = 1) AS leads, count(*) FILTER (WHERE k = 2) AS mqls,
        count(*) FILTER (WHERE k = 3) AS sals, count(*) FILTER (WHERE k = 4) AS sqls
      FROM reaches CROSS JOIN LATERAL (VALUES (1, ${period('r1', p.edges)}), (2, ${period('r2', p.edges)}), (3, ${period('r3', p.edges)}), (4, ${period('r4', p.edges)})) v(k, p)
      -- reaches are monotone (r1 <= r2 <= r3 <= r4 where defined): skip leads with none of them in scope
      WHERE r1 < ${end} AND coalesce(r4, r3, r2, r1) >= ${start}
      GROUP BY p
    ),
    cohort AS (SELECT id, f5, r2, r4, ${period('r2', p.edges)} AS i FROM reaches
      WHERE r2 >= ${start} AND r2 < ${end}),
    disp AS (
      SELECT c.i, c.r2, c.r4, d.kind, d.at, d.reason, extract(epoch FROM d.at - c.r2) / 3600 AS h FROM cohort c
      LEFT JOIN LATERAL (${dispositionSql('c.id', 'c.r2', 'c.f5', p.asOf)}) d ON true
    ),
    handoff AS (
      SELECT i, count(*) AS "mqlCohort",
        count(*) FILTER (WHERE r4 <= least(${p.asOf}, r2 + make_interval(secs => coalesce(${p.window}::float8, 1e12)))) AS "mqlToSql",
        count(*) FILTER (WHERE kind = 'ACCEPTED') AS accepted,
        count(*) FILTER (WHERE kind = 'RETURNED') AS returned,
        avg(h) AS "responseMeanHours",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY h) AS "responseMedianHours",
        count(*) FILTER (WHERE kind IS NOT NULL AND h <= ${sla}) AS "onTime",
        count(*) FILTER (WHERE (kind IS NOT NULL AND h > ${sla}) OR (kind IS NULL AND r2 + make_interval(secs => ${sla} * 3600) <= ${p.asOf})) AS breached
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
    FROM (${PERIODS(p.edges)}) p LEFT JOIN flow f USING (i) LEFT JOIN handoff h USING (i) LEFT JOIN reasons r USING (i)
    ORDER BY p.i`,
  );
}
