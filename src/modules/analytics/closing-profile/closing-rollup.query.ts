import { preparedSqlRows } from '../../../db/prepared';
import { Queryable } from '../../../db/sql';
import { param, sql, Sql } from '../../../db/sql-tag';
import { handoffUnitsHoldSql } from '../../qualification/handoff-rollup.query';
import { ProfileCountRow, ProfileFrame } from './closing-profile.query';
import { DIM_NUMBER, UNIT_VALUES } from './closing-rollup.sql';
import { ProfileDimension, ProfilePopulation } from './closing-profile.types';

const DAY = 86_400_000;
const floorDay = (t: number) => Math.floor(t / DAY) * DAY;
const ceilDay = (t: number) => Math.ceil(t / DAY) * DAY;

/**
 * The closing profile's counts from the rollup, in one statement (same rows as closingProfileSql): the day rows of the
 * whole UTC days inside the period (and at or before asOf), the units of its ragged ends, summed per dimension and
 * value; then the campaigns' and owners' keys looked up and the sums regrouped by key (as the units are grouped on
 * the fly). `ok` is false — and nothing else is returned — when the rollup cannot answer: a committed write not
 * applied yet, or for MQLS a hand-off fact after asOf.
 */
export function closingRollupSql(f: ProfileFrame): Sql {
  const from = f.from.getTime();
  const d1 = ceilDay(from);
  const d2 = floorDay(Math.min(f.to.getTime(), f.asOf.getTime()));
  const p = {
    pop: param(f.population),
    from: param(f.from),
    to: param(f.to),
    asOf: param(f.asOf),
    d1: param(new Date(d1)),
    e2: param(new Date(Math.max(d1, d2))),
    day1: param(new Date(d1).toISOString().slice(0, 10)),
    day2: param(new Date(d2).toISOString().slice(0, 10)),
    dims: param([0, ...f.dimensions.map((d) => DIM_NUMBER[d])]),
  };
  const [campaign, owner] = [DIM_NUMBER[ProfileDimension.FIRST_TOUCH_CAMPAIGN], DIM_NUMBER[ProfileDimension.OWNER]];
  const name = `CASE x.dim ${f.dimensions.map((d) => `WHEN ${DIM_NUMBER[d]} THEN '${d}'`).join(' ')} END`;
  return sql`
    WITH ok AS (
      SELECT NOT EXISTS (SELECT 1 FROM closing_dirty)${f.population === ProfilePopulation.MQLS ? sql` AND ${handoffUnitsHoldSql(p.asOf)}` : ''} AS ok
    ),
    parts AS (
      SELECT dim, value, successes, failures FROM closing_day
      WHERE population = ${p.pop} AND day >= ${p.day1}::date AND day < ${p.day2}::date AND dim = ANY(${p.dims}::int[])
      UNION ALL
      SELECT v.dim, v.value, u.success::int, (NOT u.success)::int
      FROM closing_unit u CROSS JOIN LATERAL ${UNIT_VALUES}
      WHERE u.population = ${p.pop} AND ((u.at >= ${p.from} AND u.at < ${p.d1}) OR u.at >= ${p.e2})
        AND u.at < ${p.to} AND u.at <= ${p.asOf} AND v.dim = ANY(${p.dims}::int[]) AND v.value IS NOT NULL
      UNION ALL
      SELECT 0, 'ALL', 0, 0
    ),
    summed AS (SELECT dim, value, sum(successes) AS s, sum(failures) AS f FROM parts WHERE (SELECT ok FROM ok) GROUP BY 1, 2),
    keyed AS (
      SELECT x.dim,
        CASE x.dim WHEN 0 THEN NULL
          WHEN ${campaign} THEN CASE WHEN x.value = 'NONE' THEN 'NONE' ELSE coalesce(k.external_id, k.id::text) END
          WHEN ${owner} THEN coalesce(o.email, 'UNASSIGNED') ELSE x.value END AS key,
        k.name, x.s, x.f
      FROM summed x
      LEFT JOIN campaigns k ON k.id = CASE WHEN x.dim = ${campaign} AND x.value <> 'NONE' THEN x.value::bigint END
      LEFT JOIN users o ON o.id = CASE WHEN x.dim = ${owner} AND x.value <> 'UNASSIGNED' THEN x.value::bigint END
    )
    SELECT ok.ok, ${name} AS dimension, x.key, CASE WHEN x.dim = ${campaign} THEN min(x.name) END AS label,
      sum(x.s)::int AS successes, sum(x.f)::int AS failures
    FROM ok LEFT JOIN keyed x ON true
    GROUP BY ok.ok, x.dim, x.key`;
}

/** The counts from the rollup, or null when it cannot answer right now (then closingProfileSql does). */
export async function queryClosingRollup(db: Queryable, f: ProfileFrame): Promise<ProfileCountRow[] | null> {
  if (!f.current) return null;
  const r = await preparedSqlRows<ProfileCountRow & { ok: boolean }>(db, closingRollupSql(f));
  if (!r[0]?.ok) return null;
  return r.map(({ ok: _ok, ...row }) => row);
}
