import { preparedSqlRows } from '../../../db/prepared';
import { Queryable } from '../../../db/sql';
import { Param, param, sql } from '../../../db/sql-tag';
import { latestChangeAsOf } from '../core/deal-outcome.sql';
import { isUtcMidnight } from '../core/period';
import { AttributionGroupBy, AttributionModel } from './attribution.types';
import { Journey } from './markov.calc';
import { middleCountSql, positionedTouchesSql, shareSql } from './attribution-touches.sql';
import { creditColumn, modelSpec } from './attribution-models';
import { MARKOV_COUNTS_JSON, markovCountsCtes, TransitionRow } from './markov-rollup.query';
import { CAMPAIGN_COLUMNS } from '../../campaign/campaign.repository';

export interface AttributionQuery {
  model: AttributionModel;
  groupBy: AttributionGroupBy;
  from: Date;
  to: Date;
  asOf: Date;
  lookbackDays: number;
  halfLifeDays: number;
  /** asOf is now or later: the maintained deal status and closedAt are exact. */
  currentOutcomes: boolean;
}

export interface CreditRow {
  key: string;
  /** By campaign: the campaign row, embedded for the loader. */
  campaign?: Record<string, unknown> | null;
  /** Rule-based credit (for MARKOV and SHAPLEY: LINEAR's, unused). */
  revenue: number;
  deals: number;
  touchpoints: number;
  spend: number;
}

export interface AttributionResult {
  wonDeals: number;
  revenue: number;
  attributedDeals: number;
  attributedRevenue: number;
  rows: CreditRow[] | null;
  /** Rollup reads only: a write is not folded in yet, so the caller computes on the fly instead. */
  stale?: boolean;
  /** MARKOV and SHAPLEY on the fly (null from the rollups): distinct journeys (collapsed state paths) with their counts and converting revenue. */
  journeys: (Journey & { revenue: number })[] | null;
  /** MARKOV from the rollup: the chain's transition counts. */
  transitions?: TransitionRow[] | null;
}

/** Group key of a touchpoint `t` (its channel is the campaign's, kept in step) and of a campaign `c`. */
const TOUCH_KEY: Record<AttributionGroupBy, string> = {
  [AttributionGroupBy.CAMPAIGN]: 't.campaign_id::text',
  [AttributionGroupBy.CHANNEL]: 't.channel',
};
const CAMPAIGN_KEY: Record<AttributionGroupBy, string> = {
  [AttributionGroupBy.CAMPAIGN]: 'c.id::text',
  [AttributionGroupBy.CHANNEL]: 'c.channel',
};

/**
 * Spend per group with day in [from, to) (and at or before asOf), as CTE `spend(key, spend)`. A day counts when its UTC
 * midnight does, so the bounds are whole days worked out once (from and to rounded up to a midnight, asOf down), which
 * the day index serves; spend is summed per campaign first, then per group (numeric sums: exact in any order).
 */
/** The bound values every attribution statement shares. */
interface Period {
  asOf: Param;
  from: Param;
  to: Param;
}
const periodParams = (q: AttributionQuery): Period => ({ asOf: param(q.asOf), from: param(q.from), to: param(q.to) });

const spendCte = (groupBy: AttributionGroupBy, p: Period) => sql`spend AS (
      SELECT ${CAMPAIGN_KEY[groupBy]} AS key, sum(s.spend) AS spend
      FROM (SELECT sp.campaign_id, sum(sp.amount) AS spend FROM campaign_spend sp
            WHERE sp.day >= ${CEIL_DAY(p.from)} AND sp.day < ${CEIL_DAY(p.to)} AND sp.day <= (${p.asOf}::timestamptz AT TIME ZONE 'UTC')::date
            GROUP BY sp.campaign_id) s
      JOIN campaigns c ON c.id = s.campaign_id
      GROUP BY 1
    )`;

/** The first UTC day whose midnight is at or after an instant (instants have microsecond precision). */
const CEIL_DAY = (instant: Param) =>
  sql`((${instant}::timestamptz AT TIME ZONE 'UTC') + interval '1 day' - interval '1 microsecond')::date`;

/**
 * Rows of the report: every group with credit or spend, from CTEs `credit` and `spend`; by campaign, each row embeds
 * its campaign (look-ahead, to prime the campaign loader: no second statement for labels).
 */
const ROWS_JSON = `(SELECT json_agg(json_build_object('key', g.key, 'revenue', g.revenue, 'deals', g.deals, 'touchpoints', g.touchpoints, 'spend', g.spend,
          'campaign', (SELECT row_to_json(x) FROM (SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c WHERE g.key ~ '^[0-9]+$' AND c.id = g.key::bigint) x)))
        FROM (SELECT coalesce(cr.key, s.key) AS key, coalesce(cr.revenue, 0) AS revenue, coalesce(cr.deals, 0) AS deals,
                     coalesce(cr.touchpoints, 0) AS touchpoints, coalesce(s.spend, 0) AS spend
              FROM credit cr FULL JOIN spend s ON s.key = cr.key) g)`;

/**
 * Journeys for the data-driven models: converting ones per won deal, non-converting ones per other lead, as distinct
 * paths with counts (consecutive repeats are collapsed by the calc module, which merges the counts).
 */
const JOURNEYS = (key: string, p: Period, lookbackDays: Param) => sql`,
    conv AS (SELECT deal, amount, array_agg(key ORDER BY pos) AS path FROM touches GROUP BY deal, amount),
    nonconv AS (
      SELECT array_agg(${key} ORDER BY t.occurred_at, t.external_id, t.id) AS path
      FROM live_touchpoints t
      WHERE t.occurred_at >= ${p.from}::timestamptz - make_interval(days => ${lookbackDays}) AND t.occurred_at < ${p.to} AND t.occurred_at <= ${p.asOf}
        AND NOT EXISTS (SELECT 1 FROM live_deal_leads dl JOIN won w ON w.id = dl.deal_id WHERE dl.lead_id = t.lead_id)
      GROUP BY t.lead_id
    ),
    journeys AS (
      SELECT path, sum(conversions)::int AS conversions, sum(nulls)::int AS nulls, sum(revenue)::float8 AS revenue FROM (
        SELECT path, 1 AS conversions, 0 AS nulls, amount AS revenue FROM conv
        UNION ALL SELECT path, 0, 1, 0 FROM nonconv
      ) j GROUP BY path
    )`;

/**
 * Attribution of won revenue in one statement (definitions.md section 6): won deals closed in [from, to) as of asOf,
 * their eligible touches in order (occurredAt, externalId) with the FT / LC / OC / CW positions by window functions,
 * each touch's share of its deal, credit and touch counts per campaign or channel, spend per group, and — for MARKOV
 * and SHAPLEY — the distinct journeys with counts, for the pure calc modules.
 */
export async function queryAttribution(db: Queryable, q: AttributionQuery): Promise<AttributionResult> {
  const key = TOUCH_KEY[q.groupBy];
  const dataDriven = modelSpec(q.model).dataDriven !== null;
  const p = periodParams(q);
  const [lookback, current, halfLife] = [param(q.lookbackDays), param(q.currentOutcomes), param(q.halfLifeDays)];
  const r = await preparedSqlRows<AttributionResult>(
    db,
    sql`
    WITH won AS (
      SELECT d.id, d.amount, d.created_at, d.closed_at FROM live_deals d
      WHERE ${current} AND d.status = 'WON' AND d.closed_at >= ${p.from} AND d.closed_at < ${p.to} AND d.closed_at <= ${p.asOf} AND d.created_at <= ${p.asOf}
      UNION ALL
      SELECT d.id, d.amount, d.created_at, o.at FROM live_deals d CROSS JOIN LATERAL (${latestChangeAsOf('d.id', p.asOf)}) o
      WHERE NOT ${current} AND d.created_at <= ${p.asOf} AND o.category = 'WON' AND o.at >= ${p.from} AND o.at < ${p.to}
    ),
    ${positionedTouchesSql(key, lookback, p.asOf)},
    credit AS (
      SELECT key, sum(amount * share) AS revenue, sum(share) AS deals, count(*) AS touchpoints
      FROM (SELECT key, amount, ${shareSql(q.model, halfLife, 'm')} AS share FROM (SELECT *, ${middleCountSql(q.model)} AS m FROM positioned) p) s GROUP BY key
    ),
    ${spendCte(q.groupBy, p)}${dataDriven ? JOURNEYS(key, p, lookback) : ''}
    SELECT
      ${halfLife}::float8 AS "halfLifeDays",
      (SELECT count(*) FROM won)::int AS "wonDeals",
      (SELECT coalesce(sum(amount), 0) FROM won)::float8 AS revenue,
      (SELECT count(*) FROM touches WHERE pos = 1)::int AS "attributedDeals",
      (SELECT coalesce(sum(amount), 0) FROM touches WHERE pos = 1)::float8 AS "attributedRevenue",
      ${ROWS_JSON} AS rows,
      ${dataDriven ? `(SELECT coalesce(json_agg(json_build_object('path', path, 'conversions', conversions, 'nulls', nulls, 'revenue', revenue)), '[]') FROM journeys)` : 'NULL::json'} AS journeys`,
  );
  return r[0];
}

/** Group key of an attribution_credit row `c`. */
const CREDIT_KEY: Record<AttributionGroupBy, string> = {
  [AttributionGroupBy.CAMPAIGN]: 'c.campaign_id::text',
  [AttributionGroupBy.CHANNEL]: 'c.channel',
};

/**
 * The same report from the per-deal credit rollup (default windows, asOf now or later) for a rule-based model or
 * SHAPLEY: won deals closed in the period joined to their precomputed shares — no touchpoint scan. MARKOV (whole UTC
 * days only) reads LINEAR's rows and the chain's transition counts from the MARKOV rollup, in the same statement.
 */
export async function queryAttributionCredit(db: Queryable, q: AttributionQuery): Promise<AttributionResult> {
  const markov = modelSpec(q.model).dataDriven === 'MARKOV';
  // MARKOV keeps no credit per touch: its rows read LINEAR's touch counts, its credit the chain's transition counts
  const col = creditColumn(markov ? AttributionModel.LINEAR : q.model, q.groupBy)!;
  if (isUtcMidnight(q.from) && isUtcMidnight(q.to)) return queryAttributionDaily(db, q, col, markov);
  if (markov) throw new Error('MARKOV is read from the rollup over whole UTC days only');
  const p = periodParams(q);
  const r = await preparedSqlRows<AttributionResult>(
    db,
    sql`
    WITH won AS (
      SELECT d.id, d.amount FROM live_deals d
      WHERE d.status = 'WON' AND d.closed_at >= ${p.from} AND d.closed_at < ${p.to} AND d.closed_at <= ${p.asOf} AND d.created_at <= ${p.asOf}
    ),
    credit AS (
      SELECT ${CREDIT_KEY[q.groupBy]} AS key, sum(w.amount * c.${col}) AS revenue, sum(c.${col}) AS deals, count(*) AS touchpoints
      FROM won w JOIN attribution_credit c ON c.deal_id = w.id GROUP BY 1
    ),
    attributed AS (SELECT w.amount FROM won w WHERE EXISTS (SELECT 1 FROM attribution_credit c WHERE c.deal_id = w.id)),
    ${spendCte(q.groupBy, p)}
    SELECT
      EXISTS (SELECT 1 FROM attribution_dirty) AS stale,
      (SELECT count(*) FROM won)::int AS "wonDeals",
      (SELECT coalesce(sum(amount), 0) FROM won)::float8 AS revenue,
      (SELECT count(*) FROM attributed)::int AS "attributedDeals",
      (SELECT coalesce(sum(amount), 0) FROM attributed)::float8 AS "attributedRevenue",
      ${ROWS_JSON} AS rows,
      NULL::json AS journeys`,
  );
  return r[0];
}

/**
 * A period of whole UTC days reads the per-day sums: credit from attribution_credit_daily (a few hundred rows a year),
 * totals from the won deals; attributed deals and revenue are the days' LINEAR sums (each attributed deal's shares sum
 * to 1).
 */
async function queryAttributionDaily(
  db: Queryable,
  q: AttributionQuery,
  col: string,
  markov: boolean,
): Promise<AttributionResult> {
  const key = CREDIT_KEY[q.groupBy];
  const p = periodParams(q);
  const r = await preparedSqlRows<AttributionResult>(
    db,
    sql`
    WITH won AS (
      SELECT count(*)::int AS n, coalesce(sum(d.amount), 0)::float8 AS revenue FROM live_deals d
      WHERE d.status = 'WON' AND d.closed_at >= ${p.from} AND d.closed_at < ${p.to} AND d.closed_at <= ${p.asOf} AND d.created_at <= ${p.asOf}
    ),
    days AS (SELECT ${key} AS key, c.revenue_${col} AS revenue, c.deals_${col} AS deals, c.touchpoints, c.deals_linear, c.revenue_linear
      FROM attribution_credit_daily c WHERE c.close_day >= (${p.from}::timestamptz AT TIME ZONE 'UTC')::date AND c.close_day < (${p.to}::timestamptz AT TIME ZONE 'UTC')::date),
    credit AS (SELECT key, sum(revenue) AS revenue, sum(deals) AS deals, sum(touchpoints) AS touchpoints FROM days GROUP BY 1),
    attributed AS (SELECT round(coalesce(sum(deals_linear), 0))::int AS deals, round(coalesce(sum(revenue_linear), 0)::numeric, 2)::float8 AS revenue FROM days),
    ${spendCte(q.groupBy, p)}${markov ? sql`,${markovCountsCtes(q.groupBy, q.lookbackDays, p)}` : ''}
    SELECT
      EXISTS (SELECT 1 FROM attribution_dirty)${markov ? ' OR NOT (SELECT ok FROM mk_ok)' : ''} AS stale,
      won.n AS "wonDeals", won.revenue, attributed.deals AS "attributedDeals", attributed.revenue AS "attributedRevenue",
      ${ROWS_JSON} AS rows,
      NULL::json AS journeys,
      ${markov ? MARKOV_COUNTS_JSON : 'NULL::json'} AS transitions
    FROM won, attributed`,
  );
  return r[0];
}
