import { preparedSqlRows } from '../../db/prepared';
import { Queryable } from '../../db/sql';
import { Param, param, sql, Sql } from '../../db/sql-tag';
import { isUtcMidnight } from '../analytics/core/period';
import { latestFactSql } from '../analytics/funnel/funnel-rollup.query';
import { HANDOFF_DIMS } from '../analytics/kpi/kpi-rollup';
import { medianCtes } from '../analytics/kpi/kpi-rollup.query';
import { GROUP, HandoffRow } from './handoff.query';
import { HandoffGroupBy } from './qualification.types';

/** The total's group key inside the statement (no real group is `*`). */
const TOTAL = '*';

/**
 * Whether kpi_handoff's units (each MQL lead's hand-off as of now) are those as of `asOf`: every committed write
 * applied (funnel_dirty empty) and no fact after asOf. Then they can stand for the lead logs.
 */
export const handoffUnitsHoldSql = (asOf: Param) => sql`(NOT EXISTS (SELECT 1 FROM funnel_dirty)
      AND coalesce(greatest(${latestFactSql('ALL')}, (SELECT max(at) FROM kpi_handoff)) <= ${asOf}, true))`;

/** Whether the rollup can answer: as of now (or later) over whole UTC days. */
export const handoffRollupApplies = (from: Date, to: Date, current: boolean): boolean =>
  current && isUtcMidnight(from) && isUtcMidnight(to);

/**
 * Hand-off feedback (definitions.md §9) from the rollup in one statement, or null when it cannot answer right now (a
 * committed write not applied yet, or a fact after asOf): the groups' and the total's counts, returns by reason and
 * response sums from handoff_day, the exact median and the SLA from the units only where a bucket must be opened (the
 * median's, the SLA hours') and for the pending leads of the last days before asOf − SLA. Same rows as queryHandoff.
 */
export async function queryHandoffRollup(
  db: Queryable,
  groupBy: HandoffGroupBy,
  from: Date,
  to: Date,
  asOf: Date,
  slaHours: number,
): Promise<HandoffRow[] | null> {
  const r = await preparedSqlRows<HandoffRow & { ok: boolean }>(
    db,
    handoffRollupSql(groupBy, from, to, asOf, slaHours),
  );
  if (!r[0]?.ok) return null;
  const rows = r.filter((x) => x.mqls != null).map(({ ok: _ok, ...row }) => row);
  return rows.length ? rows : [EMPTY_TOTAL];
}

/** queryHandoffRollup's one statement (the benchmark runs it through pg alone too). */
export function handoffRollupSql(groupBy: HandoffGroupBy, from: Date, to: Date, asOf: Date, slaHours: number): Sql {
  const [asOfP, sla, lo, hi, dim] = [param(asOf), param(slaHours), param(from), param(to), param(groupBy)];
  const column = HANDOFF_DIMS[groupBy];
  /** A unit `u` of group `g` (the total: every unit). */
  const inGroup = (g: string) => sql`(${g} = '${TOTAL}' OR ${column} = ${g})`;
  // the UTC day of asOf − SLA (rounded to the past: a pending lead of an earlier day is surely breached)
  const cutoff = sql`${param(new Date(asOf.getTime() - slaHours * 3_600_000).toISOString().slice(0, 10))}::date`;
  const unit = (b: string, k: string) => sql`SELECT u.h FROM kpi_handoff u
        WHERE u.kind <> 'NONE' AND u.hb = ${b} AND u.mql_at >= p.lo AND u.mql_at < p.hi AND ${inGroup('c.i')} ORDER BY u.h OFFSET (${k})::bigint LIMIT 1`;
  return sql`
    WITH ok AS (SELECT ${handoffUnitsHoldSql(asOfP)} AS ok),
    -- the day rows summed over the period at once (days before the cutoff apart): a few thousand rows, not one per day
    hd AS (
      SELECT CASE WHEN x.dim = 'ALL' THEN '${TOTAL}' ELSE x.grp END AS i, x.kind, x.reason, x.hb, x.day < ${cutoff} AS early,
        sum(x.n) AS n, sum(x.sum_h) AS sum_h, min(x.min_h) AS min_h, max(x.max_h) AS max_h
      FROM handoff_day x
      WHERE (SELECT ok FROM ok) AND x.dim IN (${dim}, 'ALL')
        AND x.day >= (${lo}::timestamptz AT TIME ZONE 'UTC')::date AND x.day < (${hi}::timestamptz AT TIME ZONE 'UTC')::date
      GROUP BY 1, 2, 3, 4, 5
    ),
    p AS (SELECT DISTINCT i, ${lo}::timestamptz AS lo, ${hi}::timestamptz AS hi FROM hd),
    hb AS (SELECT i, hb AS b, sum(n) AS n, min(min_h) AS lo, max(max_h) AS hi, sum(sum_h) AS sum_h FROM hd WHERE kind <> 'NONE' GROUP BY i, hb),
    ${medianCtes('response', sql`SELECT * FROM hb`, unit)},
    counts AS (
      SELECT i, sum(n) AS mqls, sum(n) FILTER (WHERE kind = 'ACCEPTED') AS accepted, sum(n) FILTER (WHERE kind = 'RETURNED') AS returned,
        sum(n) FILTER (WHERE kind = 'NONE') AS pending,
        -- pending leads of whole days before the day of asOf − SLA are all breached; the rest are read from the units
        sum(n) FILTER (WHERE kind = 'NONE' AND early) AS pending_breached
      FROM hd GROUP BY i
    ),
    responses AS (
      SELECT c.i, sum(c.n) AS n, sum(c.sum_h) / nullif(sum(c.n), 0) AS mean,
        sum(CASE WHEN c.hi <= ${sla}::float8 THEN c.n WHEN c.lo > ${sla}::float8 THEN 0 ELSE (
          SELECT count(*) FROM kpi_handoff u WHERE u.kind <> 'NONE' AND u.hb = c.b AND u.mql_at >= p.lo AND u.mql_at < p.hi
            AND ${inGroup('c.i')} AND u.h <= ${sla}::float8
        ) END) AS on_time
      FROM hb c JOIN p USING (i) GROUP BY c.i
    ),
    recent AS (
      SELECT p.i, (SELECT count(*) FROM kpi_handoff u
        WHERE u.kind = 'NONE' AND u.mql_at >= greatest(p.lo, ${cutoff}::timestamp AT TIME ZONE 'UTC') AND u.mql_at < p.hi
          AND u.mql_at + make_interval(secs => ${sla}::float8 * 3600) <= ${asOfP} AND ${inGroup('p.i')}) AS breached
      FROM p
    ),
    reasons AS (
      SELECT i, json_agg(json_build_object('reason', reason, 'count', n) ORDER BY reason) AS reasons
      FROM (SELECT i, reason, sum(n)::int AS n FROM hd WHERE kind = 'RETURNED' GROUP BY i, reason) x GROUP BY i
    ),
    rows AS (
      SELECT c.i, c.mqls::int AS mqls, coalesce(c.accepted, 0)::int AS accepted, coalesce(c.returned, 0)::int AS returned,
        coalesce(c.pending, 0)::int AS pending, coalesce(rs.n, 0)::int AS responses, rs.mean::float8 AS "responseMean",
        m.median::float8 AS "responseMedian", coalesce(rs.on_time, 0)::int AS "onTime",
        (coalesce(rs.n, 0) - coalesce(rs.on_time, 0) + coalesce(c.pending_breached, 0) + coalesce(rc.breached, 0))::int AS breached,
        x.reasons
      FROM counts c LEFT JOIN responses rs USING (i) LEFT JOIN response m USING (i) LEFT JOIN recent rc USING (i)
        LEFT JOIN reasons x USING (i)
    )
    SELECT ok.ok, CASE WHEN r.i = '${TOTAL}' THEN NULL ELSE r.i END AS key,
      CASE WHEN r.i = '${TOTAL}' THEN NULL ELSE ${GROUP[groupBy].label('r.i')} END AS label,
      r.mqls, r.accepted, r.returned, r.pending, r.responses, r."responseMean", r."responseMedian", r."onTime", r.breached, r.reasons
    FROM ok LEFT JOIN rows r ON true
    ORDER BY (r.i = '${TOTAL}') DESC, r.mqls DESC, r.i`;
}

/** The total of a period without MQLs (as queryHandoff's GROUPING SETS give it). */
const EMPTY_TOTAL: HandoffRow = {
  key: null,
  label: null,
  mqls: 0,
  accepted: 0,
  returned: 0,
  pending: 0,
  responses: 0,
  responseMean: null,
  responseMedian: null,
  onTime: 0,
  breached: 0,
  reasons: null,
};
