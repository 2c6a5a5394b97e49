import { Param, sql, Sql } from '../../../db/sql-tag';
import { dealUnitRows, mqlUnitRows } from './closing-profile.query';
import { ProfileDimension, ProfilePopulation } from './closing-profile.types';

/**
 * The closing rollup's shapes (migration 1765497600000-ClosingRollup), shared by its upkeep (closing-rollup.ts) and
 * its reader (closing-rollup.query.ts): a unit row per population, and the (dimension, value) pairs a unit counts in.
 */

/** closing_day's dimension numbers: 0 the population, then each dimension in the enum's order. */
export const DIM_NUMBER: Record<ProfileDimension, number> = Object.fromEntries(
  Object.values(ProfileDimension).map((d, i) => [d, i + 1]),
) as Record<ProfileDimension, number>;

/** The value a unit `u` (closing_unit) stores under each dimension: the campaign and the owner by id. */
const STORED_VALUE: Record<ProfileDimension, string> = {
  [ProfileDimension.INDUSTRY]: 'u.industry',
  [ProfileDimension.REGION]: 'u.region',
  [ProfileDimension.EMPLOYEES_BAND]: 'u.employees_band',
  [ProfileDimension.TITLE_SENIORITY]: 'u.title_seniority',
  [ProfileDimension.SOURCE]: 'u.source',
  [ProfileDimension.FIRST_TOUCH_CHANNEL]: 'u.first_touch_channel',
  [ProfileDimension.FIRST_TOUCH_CAMPAIGN]: `coalesce(u.first_touch_campaign::text, 'NONE')`,
  [ProfileDimension.OWNER]: `coalesce(u.owner_id::text, 'UNASSIGNED')`,
  [ProfileDimension.AMOUNT_BAND]: 'u.amount_band',
  [ProfileDimension.SCORE_BAND]: 'u.score_band',
};

/** A unit `u`'s (dim, value) pairs as VALUES rows; a null value (an MQL's amount band) counts nowhere. */
export const UNIT_VALUES = `(VALUES (0, 'ALL'), ${Object.values(ProfileDimension)
  .map((d) => `(${DIM_NUMBER[d]}, ${STORED_VALUE[d]})`)
  .join(', ')}) v(dim, value)`;

/** closing_unit rows of the closed deals (every one: ids null), as of now. */
export const dealRowsSql = (ids: Param | null): Sql => sql`
  SELECT 'DEALS' AS population, r.* FROM (${dealUnitRows(
    sql`SELECT d.id, d.amount, d.created_at, d.account_id, d.owner_id, d.status AS category, d.closed_at
    FROM live_deals d WHERE d.status IN ('WON', 'LOST') AND d.closed_at IS NOT NULL ${ids ? sql`AND d.id = ANY(${ids}::bigint[])` : ''}`,
    sql`'infinity'::timestamptz`,
  )}) r`;

/** closing_unit rows of the disposed MQL leads (every one: ids null), their hand-off from the KPI rollup's units. */
export const mqlRowsSql = (ids: Param | null): Sql => sql`
  SELECT 'MQLS' AS population, r.* FROM (${mqlUnitRows(
    sql`SELECT l.id, l.account_id, l.owner_id, l.title, l.source, l.score, h.mql_at AS r2, h.kind
    FROM kpi_handoff h JOIN live_leads l ON l.id = h.lead_id
    WHERE h.kind <> 'NONE' ${ids ? sql`AND h.lead_id = ANY(${ids}::bigint[])` : ''}`,
  )}) r`;

/** The rows of a population. */
export const UNIT_ROWS: Record<ProfilePopulation, (ids: Param | null) => Sql> = {
  [ProfilePopulation.DEALS]: dealRowsSql,
  [ProfilePopulation.MQLS]: mqlRowsSql,
};

/**
 * closing_day deltas from units `units` (closing_unit's columns and `sign`, +1 or −1): per population, UTC day of the
 * unit's instant, dimension and value, the sums of successes and failures that do not cancel out.
 */
export const dayDeltasSql = (units: Sql | string): Sql => sql`
  SELECT u.population, (u.at AT TIME ZONE 'UTC')::date AS day, v.dim, v.value,
    sum(u.sign * u.success::int)::int AS successes, sum(u.sign * (1 - u.success::int))::int AS failures
  FROM (${units}) u CROSS JOIN LATERAL ${UNIT_VALUES}
  WHERE v.value IS NOT NULL
  GROUP BY 1, 2, 3, 4
  HAVING sum(u.sign * u.success::int) <> 0 OR sum(u.sign * (1 - u.success::int)) <> 0`;
