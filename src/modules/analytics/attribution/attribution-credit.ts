import { EntityManager } from 'typeorm';
import { exec, execSql, Queryable, rows, sqlRows } from '../../../db/sql';
import { AttributionGroupBy, AttributionModel } from './attribution.types';
import { refreshConvertingDays } from './markov-rollup';
import { middleCountSql, positionedTouchesSql, shareSql } from './attribution-touches.sql';
import { CREDIT_HALF_LIFE_DAYS, CREDIT_LOOKBACK_DAYS, creditColumn, RULE_BASED_MODELS } from './attribution-models';
import { joinSql, param, sql } from '../../../db/sql-tag';

/** attribution_credit column of each rule-based model (the registry's). */
const CREDIT_COLUMN = Object.fromEntries(
  RULE_BASED_MODELS.map((m) => [m, creditColumn(m, AttributionGroupBy.CAMPAIGN)!]),
);

/** attribution_credit's SHAPLEY columns, each with the touch's state it splits by (its grouping's column). */
const SHAPLEY_STATE = {
  [creditColumn(AttributionModel.SHAPLEY, AttributionGroupBy.CAMPAIGN)!]: 'campaign_id',
  [creditColumn(AttributionModel.SHAPLEY, AttributionGroupBy.CHANNEL)!]: 'channel',
};

/** Every credit column summed per day (deals_<col>, revenue_<col>). */
const SUMMED = [...RULE_BASED_MODELS.map((m) => CREDIT_COLUMN[m]), ...Object.keys(SHAPLEY_STATE)];

/**
 * Recomputes the credit rows of the given deals (every deal when null) with the very SQL of the on-the-fly query —
 * each eligible touch of a currently won deal, its position and its share under the seven rule-based models and
 * SHAPLEY — and the daily sums (and MARKOV converting transitions) of the close days those deals had and have.
 */
export async function refreshCredit(db: Queryable, dealIds: string[] | null): Promise<void> {
  await refreshCreditDays(db, await refreshCreditRows(db, dealIds));
}

/**
 * The credit rows of the given deals (every deal when null), as refreshCredit; returns the close days those deals had
 * and have (null: every day), whose sums refreshCreditDays brings up to date.
 */
async function refreshCreditRows(db: Queryable, dealIds: string[] | null): Promise<string[] | null> {
  const ids = param(dealIds);
  const only = dealIds ? sql`AND d.id = ANY(${ids}::bigint[])` : '';
  const oldDays = dealIds
    ? (
        await sqlRows<{ day: string }>(
          db,
          sql`SELECT DISTINCT close_day::text AS day FROM attribution_credit WHERE deal_id = ANY(${ids}::bigint[])`,
        )
      ).map((r) => r.day)
    : [];
  await execSql(db, sql`DELETE FROM attribution_credit ${dealIds ? sql`WHERE deal_id = ANY(${ids}::bigint[])` : ''}`);
  const middles = RULE_BASED_MODELS.map((m) => `${middleCountSql(m)} AS m_${CREDIT_COLUMN[m]}`).join(', ');
  // SHAPLEY per touch: 1 / (the deal's distinct states × its touches in this touch's state), by campaign and by channel
  const shapley = Object.entries(SHAPLEY_STATE)
    .map(
      ([col, state]) => `,
        dense_rank() OVER (PARTITION BY deal ORDER BY ${state}) AS k_${col}, count(*) OVER (PARTITION BY deal, ${state}) AS m_${col}`,
    )
    .join('');
  const inserted = await sqlRows<{ day: string }>(
    db,
    sql`
    WITH won AS (SELECT d.id, d.amount, d.created_at, d.closed_at FROM live_deals d WHERE d.status = 'WON' ${only}),
    ${positionedTouchesSql('t.campaign_id::text', String(CREDIT_LOOKBACK_DAYS), `'infinity'::timestamptz`)},
    middles AS (SELECT *, ${middles}${shapley} FROM positioned),
    ins AS (
      INSERT INTO attribution_credit (deal_id, touchpoint_id, campaign_id, channel, close_day, amount, pos, ${Object.keys(SHAPLEY_STATE).join(', ')},
        ${RULE_BASED_MODELS.map((m) => CREDIT_COLUMN[m]).join(', ')})
      SELECT m.deal, m.touchpoint_id, m.campaign_id, m.channel, (w.closed_at AT TIME ZONE 'UTC')::date, m.amount, m.pos,
        ${Object.keys(SHAPLEY_STATE)
          .map((col) => `1::float8 / (max(m.k_${col}) OVER (PARTITION BY m.deal) * m.m_${col})`)
          .join(', ')},
        ${joinSql(
          RULE_BASED_MODELS.map((mo) => shareSql(mo, String(CREDIT_HALF_LIFE_DAYS), `m_${CREDIT_COLUMN[mo]}`)),
          ',\n        ',
        )}
      FROM middles m JOIN won w ON w.id = m.deal
      RETURNING close_day
    )
    SELECT DISTINCT close_day::text AS day FROM ins`,
  );
  return dealIds ? [...new Set([...oldDays, ...inserted.map((r) => r.day)])].sort() : null;
}

/**
 * Re-sums attribution_credit_daily, and the MARKOV rollup's converting transitions, for the given UTC days (all when
 * null). Each day is locked first (advisory transaction locks, in order), so concurrent writers of the same day take
 * turns and the later one sums the earlier one's committed rows.
 */
export async function refreshCreditDays(db: Queryable, days: string[] | null): Promise<void> {
  if (days && !days.length) return;
  const on = param(days);
  if (days)
    await execSql(
      db,
      sql`SELECT pg_advisory_xact_lock(1764201600, (d - date '2000-01-01')) FROM unnest(${on}::date[]) d ORDER BY d`,
    );
  const where = days ? sql`WHERE close_day = ANY(${on}::date[])` : '';
  await execSql(db, sql`DELETE FROM attribution_credit_daily ${where}`);
  // each float sum in one order (deal, touch), not the heap's: the same rows give the same bits after any rewrite
  await execSql(
    db,
    sql`
    INSERT INTO attribution_credit_daily (close_day, campaign_id, channel, touchpoints, ${SUMMED.map((c) => `deals_${c}, revenue_${c}`).join(', ')})
    SELECT close_day, campaign_id, min(channel), count(*), ${SUMMED.map((c) => `sum(${c} ORDER BY deal_id, touchpoint_id), sum(amount * ${c} ORDER BY deal_id, touchpoint_id)`).join(', ')}
    FROM attribution_credit ${where} GROUP BY close_day, campaign_id`,
  );
  await refreshConvertingDays(db, days);
}

/**
 * attribution_dirty keeps its primary key (the other dirty queues have none): a writer marking a deal another
 * uncommitted writer marked waits for it, and so computes the deal's credit after seeing its win or its touches.
 * Without the key, parallel bulk writers stopped waiting for each other and the rollups no longer equalled scratch.
 *
 * Before a write transaction commits: recomputes the credit rows of the deals its writes marked dirty (triggers);
 * returns their close days, whose sums the caller brings up to date last (refreshCreditDays: the day locks that
 * concurrent writers share are then held only from there to the commit).
 */
export async function processDirtyCredit(tx: EntityManager): Promise<string[]> {
  const dirty = await rows<{ id: string }>(tx, `DELETE FROM attribution_dirty RETURNING deal_id::text AS id`);
  if (!dirty.length) return [];
  return (await refreshCreditRows(
    tx,
    dirty.map((d) => d.id),
  ))!;
}

/** `npm run rollups:rebuild`: the whole table from scratch, in one transaction. */
export async function rebuildCredit(tx: EntityManager): Promise<number> {
  await exec(tx, `DELETE FROM attribution_dirty`);
  await refreshCredit(tx, null);
  return Number((await rows<{ n: string }>(tx, `SELECT count(*) AS n FROM attribution_credit`))[0].n);
}
