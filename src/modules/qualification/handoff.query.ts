import { preparedSqlRows } from '../../db/prepared';
import { Queryable } from '../../db/sql';
import { Param, param, sql, Sql } from '../../db/sql-tag';
import { dispositionSql } from '../analytics/kpi/lead-kpis.query';
import { anyFirstEntryIn, leadFirstEntries } from '../analytics/funnel/funnel.query';
import { HandoffGroupBy } from './qualification.types';

export interface HandoffRow {
  /** null on the total row. */
  key: string | null;
  label: string | null;
  mqls: number;
  accepted: number;
  returned: number;
  pending: number;
  responses: number;
  responseMean: number | null;
  responseMedian: number | null;
  onTime: number;
  breached: number;
  reasons: { reason: string; count: number }[] | null;
}

/**
 * The touch that qualified lead `lead` with reach_MQL `r2`: its latest at or before reach_MQL (ties: the greater
 * externalId); column `col` of it.
 */
export const qualifyingTouchSql = (col: string, lead: string, r2: string) =>
  sql`(SELECT t.${col} FROM touchpoints t WHERE t.lead_id = ${lead} AND t.occurred_at <= ${r2}
      ORDER BY t.occurred_at DESC, t.external_id DESC LIMIT 1)`;
/** The version on lead `lead`'s first MQL event, as text; MANUAL when a person recorded it (or there is none). */
export const firstMqlVersionSql = (lead: string) =>
  sql`coalesce((SELECT c.qualification_version::text FROM lead_stage_changes c WHERE c.lead_id = ${lead} AND c.event = 'MQL'
      ORDER BY c.occurred_at, c.id LIMIT 1), 'MANUAL')`;
/** The band of a lead score column. */
export const scoreBandSql = (score: string) =>
  sql`CASE WHEN ${score} IS NULL THEN 'UNKNOWN' WHEN ${score} < 25 THEN '<25' WHEN ${score} < 50 THEN '25-49'
      WHEN ${score} < 75 THEN '50-74' ELSE '75+' END`;
const qualifyingTouch = (col: string) => qualifyingTouchSql(col, 'm.id', 'm.r2');

/** Group key and label of a lead `m` per groupBy (definitions.md §9): every lead in exactly one group. */
export const GROUP: Record<HandoffGroupBy, { key: Sql; label: (key: string) => Sql }> = {
  [HandoffGroupBy.CAMPAIGN]: {
    key: sql`coalesce(${qualifyingTouch('campaign_id')}::text, 'NONE')`,
    label: (k) =>
      sql`coalesce((SELECT c.name FROM campaigns c WHERE c.id = CASE WHEN ${k} <> 'NONE' THEN ${k}::bigint END), 'None')`,
  },
  [HandoffGroupBy.CHANNEL]: { key: sql`coalesce(${qualifyingTouch('channel')}, 'NONE')`, label: (k) => sql`${k}` },
  [HandoffGroupBy.SOURCE]: { key: sql`coalesce(m.source, 'UNKNOWN')`, label: (k) => sql`${k}` },
  [HandoffGroupBy.OWNER]: {
    key: sql`coalesce(m.owner_id::text, 'UNASSIGNED')`,
    label: (k) =>
      sql`coalesce((SELECT u.email FROM users u WHERE u.id = CASE WHEN ${k} <> 'UNASSIGNED' THEN ${k}::bigint END), 'Unassigned')`,
  },
  [HandoffGroupBy.QUALIFICATION_VERSION]: {
    key: firstMqlVersionSql('m.id'),
    label: (k) => sql`CASE WHEN ${k} = 'MANUAL' THEN 'Manual' ELSE 'v' || ${k} END`,
  },
  [HandoffGroupBy.SCORE_BAND]: {
    key: scoreBandSql('m.score'),
    label: (k) => sql`${k}`,
  },
};

/**
 * Hand-off feedback (definitions.md §9) in one statement: leads with reach_MQL in [from, to) as of asOf, each with its
 * §2 disposition as of asOf, grouped, with the total row (GROUPING SETS): mqls, accepted, returned, pending, the
 * returns by reason, response hours (MQL → disposition) and SLA on time / breached (a pending lead past its
 * deadline is breached).
 */
export async function queryHandoff(
  db: Queryable,
  groupBy: HandoffGroupBy,
  from: Date,
  to: Date,
  asOf: Date,
  current: boolean,
  slaHours: number,
): Promise<HandoffRow[]> {
  return preparedSqlRows<HandoffRow>(db, handoffSql(groupBy, from, to, asOf, current, slaHours));
}

/** The hand-off feedback's one statement (queryHandoff; the benchmark runs it through pg alone too). */
export function handoffSql(
  groupBy: HandoffGroupBy,
  from: Date,
  to: Date,
  asOf: Date,
  current: boolean,
  slaHours: number,
): Sql {
  const [asOfP, currentP, fromP, toP, sla]: Param[] = [
    param(asOf),
    param(current),
    param(from),
    param(to),
    param(slaHours),
  ];
  const g = GROUP[groupBy];
  return sql`
    WITH firsts AS (
      SELECT l.id, l.source, l.owner_id, l.score, ${leadFirstEntries(asOfP, currentP)}
      FROM live_leads l WHERE l.created_at <= ${asOfP} AND ${anyFirstEntryIn(fromP, toP, current)}
    ),
    m AS (
      SELECT id, source, owner_id, score, f5, least(f2, f3, f4, f5, f6) AS r2 FROM firsts
      WHERE least(f2, f3, f4, f5, f6) >= ${fromP} AND least(f2, f3, f4, f5, f6) < ${toP}
    ),
    d AS (
      SELECT ${g.key} AS key, x.kind, x.reason, extract(epoch FROM x.at - m.r2)::float8 / 3600 AS h,
        m.r2 + make_interval(secs => ${sla}::float8 * 3600) <= ${asOfP} AS due
      FROM m LEFT JOIN LATERAL (${dispositionSql('m.id', 'm.r2', 'm.f5', asOfP)}) x ON true
    ),
    reasons AS (
      SELECT key, total, json_agg(json_build_object('reason', reason, 'count', n) ORDER BY reason) AS reasons
      FROM (SELECT CASE WHEN grouping(key) = 1 THEN NULL ELSE key END AS key, grouping(key) AS total, reason, count(*)::int AS n
            FROM d WHERE kind = 'RETURNED' GROUP BY GROUPING SETS ((key, reason), (reason))) y
      GROUP BY key, total
    ),
    agg AS (
      SELECT CASE WHEN grouping(key) = 1 THEN NULL ELSE key END AS key, grouping(key) AS total, count(*)::int AS mqls,
        count(*) FILTER (WHERE kind = 'ACCEPTED')::int AS accepted, count(*) FILTER (WHERE kind = 'RETURNED')::int AS returned,
        count(*) FILTER (WHERE kind IS NULL)::int AS pending, count(h)::int AS responses,
        avg(h) AS "responseMean", percentile_cont(0.5) WITHIN GROUP (ORDER BY h) AS "responseMedian",
        count(*) FILTER (WHERE kind IS NOT NULL AND h <= ${sla})::int AS "onTime",
        count(*) FILTER (WHERE (kind IS NOT NULL AND h > ${sla}) OR (kind IS NULL AND due))::int AS breached
      FROM d GROUP BY GROUPING SETS ((key), ())
    )
    SELECT agg.key, CASE WHEN agg.total = 1 THEN NULL ELSE ${g.label('agg.key')} END AS label, agg.mqls, agg.accepted,
      agg.returned, agg.pending, agg.responses, agg."responseMean", agg."responseMedian", agg."onTime", agg.breached, r.reasons
    FROM agg LEFT JOIN reasons r ON r.total = agg.total AND r.key IS NOT DISTINCT FROM agg.key
    ORDER BY agg.total DESC, agg.mqls DESC, agg.key`;
}
