import { AttributionModel } from './attribution.types';
import { sql, Sql, SqlPart } from '../../../db/sql-tag';
import { modelSpec } from './attribution-models';

/** Position shares of a model (FT, LC, OC, CW, middle) from the registry, or null for a model without positions. */
const positionShares = (model: AttributionModel) => {
  const w = modelSpec(model).weight;
  return typeof w === 'object' ? w.positions : null;
};

/** A touch holds none of the positions the model gives a share to. */
const middleOf = (shares: readonly number[]) =>
  `NOT (${(['ft', 'lc', 'oc', 'cw'] as const).filter((_, i) => shares[i] > 0).join(' OR ')})`;

/**
 * The number of middle touches of the deal under a model (a window function over `positioned`, to be computed in a
 * CTE before shareSql, which takes it by column name); '0' when the model has no middle share.
 */
export function middleCountSql(model: AttributionModel): string {
  const shares = positionShares(model);
  return shares && shares[4] > 0 ? `count(*) FILTER (WHERE ${middleOf(shares)}) OVER (PARTITION BY deal)` : '0';
}

/**
 * A touch's share of its deal under a model, over `positioned` rows: raw weight / Σ raw of the deal, so positions
 * that do not exist and an empty middle scale the others up; a touch holding several positions sums them. TIME_DECAY
 * is 2^(−(closedAt − t)/halfLife) divided by the last touch's weight (same shares, never underflows); `halfLife` is an
 * SQL expression in days. Over rows with `pos`. Only allow-listed SQL, never client text.
 */
export function shareSql(model: AttributionModel, halfLife: SqlPart, middleCount: string): Sql {
  const shares = positionShares(model);
  let raw: Sql;
  if (shares) {
    const [ft, lc, oc, cw, mid] = shares;
    const middle = mid > 0 ? ` + CASE WHEN ${middleOf(shares)} THEN ${mid}::float8 / ${middleCount} ELSE 0 END` : '';
    raw = sql`(${ft} * ft::int + ${lc} * lc::int + ${oc} * oc::int + ${cw} * cw::int${middle})`;
  } else if (modelSpec(model).weight === 'timeDecay') {
    raw = sql`power(2::float8, -extract(epoch FROM last_at - occurred_at) / ((${halfLife})::float8 * 86400))`;
  } else {
    raw = sql`1::float8`; // 'linear': LINEAR, and the touch counts of the data-driven models
  }
  // summed in the touches' order: float addition is not associative, and the same deal must give the same bits
  // whichever plan fed its rows (the rollup is compared with a rebuild bit for bit)
  return sql`${raw} / sum(${raw}) OVER (PARTITION BY deal ORDER BY pos ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`;
}

/**
 * CTEs `firstlead`, `touches` and `positioned` over a CTE `won(id, amount, created_at, closed_at)`: every eligible
 * touch of each won deal — touchpoints of its leads in [createdAt − lookback days, closedAt], at or before `asOf` —
 * in order (occurredAt, externalId, id), with the FT / LC / OC / CW positions. `key` groups touches.
 */
export function positionedTouchesSql(key: string, lookbackDays: SqlPart, asOf: SqlPart): Sql {
  return sql`
    firstlead AS (
      SELECT w.*, (SELECT min(l.created_at) FROM live_deal_leads dl JOIN leads l ON l.id = dl.lead_id WHERE dl.deal_id = w.id) AS lead_created
      FROM won w
    ),
    touches AS (
      SELECT w.id AS deal, w.amount, w.created_at, w.lead_created, t.id AS touchpoint_id, t.campaign_id, t.channel, t.occurred_at, ${key} AS key,
        row_number() OVER (PARTITION BY w.id ORDER BY t.occurred_at, t.external_id, t.id) AS pos,
        count(*) OVER (PARTITION BY w.id) AS n
      FROM firstlead w JOIN live_deal_leads dl ON dl.deal_id = w.id JOIN touchpoints t ON t.lead_id = dl.lead_id
      WHERE t.occurred_at >= w.created_at - make_interval(days => ${lookbackDays}) AND t.occurred_at <= w.closed_at AND t.occurred_at <= ${asOf}
    ),
    positioned AS (
      SELECT *, pos = 1 AS ft, pos = n AS cw,
        pos = coalesce(max(pos) FILTER (WHERE occurred_at <= lead_created) OVER deal, 1) AS lc,
        pos = coalesce(max(pos) FILTER (WHERE occurred_at <= created_at) OVER deal, 0) AS oc,
        max(occurred_at) OVER deal AS last_at
      FROM touches WINDOW deal AS (PARTITION BY deal)
    )`;
}
