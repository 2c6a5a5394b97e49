import { EntityManager } from 'typeorm';
import { exec, Queryable, rows } from '../../../db/sql';
import { AttributionModel } from './attribution.types';
import { middleCountSql, positionedTouchesSql, RULE_BASED_MODELS, shareSql } from './attribution-touches.sql';

/** The rollup holds the default windows; other lookbacks and half-lives are computed on the fly. */
export const CREDIT_LOOKBACK_DAYS = 365;
export const CREDIT_HALF_LIFE_DAYS = 7;

/** attribution_credit column of each rule-based model. */
export const CREDIT_COLUMN: Record<(typeof RULE_BASED_MODELS)[number], string> = {
  [AttributionModel.FIRST_TOUCH]: 'first_touch',
  [AttributionModel.LAST_TOUCH]: 'last_touch',
  [AttributionModel.LINEAR]: 'linear',
  [AttributionModel.U_SHAPED]: 'u_shaped',
  [AttributionModel.W_SHAPED]: 'w_shaped',
  [AttributionModel.FULL_PATH]: 'full_path',
  [AttributionModel.TIME_DECAY]: 'time_decay',
};

/**
 * Recomputes the credit rows of the given deals (every deal when null) with the very SQL of the on-the-fly query —
 * each eligible touch of a currently won deal and its share under the seven rule-based models — and the daily sums
 * of the close days those deals had and have.
 */
export async function refreshCredit(db: Queryable, dealIds: string[] | null): Promise<void> {
  const only = dealIds ? 'AND d.id = ANY($1::bigint[])' : '';
  const params = dealIds ? [dealIds] : [];
  const oldDays = dealIds ? (await rows<{ day: string }>(db, `SELECT DISTINCT close_day::text AS day FROM attribution_credit WHERE deal_id = ANY($1::bigint[])`, params)).map((r) => r.day) : [];
  await exec(db, `DELETE FROM attribution_credit ${dealIds ? 'WHERE deal_id = ANY($1::bigint[])' : ''}`, params);
  const middles = RULE_BASED_MODELS.map((m) => `${middleCountSql(m)} AS m_${CREDIT_COLUMN[m]}`).join(', ');
  const inserted = await rows<{ day: string }>(db, `
    WITH won AS (SELECT d.id, d.amount, d.created_at, d.closed_at FROM deals d WHERE d.status = 'WON' ${only}),
    ${positionedTouchesSql('t.campaign_id::text', String(CREDIT_LOOKBACK_DAYS), `'infinity'::timestamptz`)},
    middles AS (SELECT *, ${middles} FROM positioned),
    ins AS (
      INSERT INTO attribution_credit (deal_id, touchpoint_id, campaign_id, channel, close_day, amount, ${RULE_BASED_MODELS.map((m) => CREDIT_COLUMN[m]).join(', ')})
      SELECT m.deal, m.touchpoint_id, m.campaign_id, m.channel, (w.closed_at AT TIME ZONE 'UTC')::date, m.amount,
        ${RULE_BASED_MODELS.map((mo) => shareSql(mo, String(CREDIT_HALF_LIFE_DAYS), `m_${CREDIT_COLUMN[mo]}`)).join(',\n        ')}
      FROM middles m JOIN won w ON w.id = m.deal
      RETURNING close_day
    )
    SELECT DISTINCT close_day::text AS day FROM ins`, params);
  await refreshDaily(db, dealIds ? [...new Set([...oldDays, ...inserted.map((r) => r.day)])].sort() : null);
}

/**
 * Re-sums attribution_credit_daily for the given UTC days (all when null). Each day is locked first (advisory
 * transaction locks, in order), so concurrent writers of the same day take turns and the later one sums the
 * earlier one's committed rows.
 */
async function refreshDaily(db: Queryable, days: string[] | null): Promise<void> {
  if (days && !days.length) return;
  if (days) await exec(db, `SELECT pg_advisory_xact_lock(1764201600, (d - date '2000-01-01')) FROM unnest($1::date[]) d ORDER BY d`, [days]);
  const where = days ? 'WHERE close_day = ANY($1::date[])' : '';
  const params = days ? [days] : [];
  await exec(db, `DELETE FROM attribution_credit_daily ${where}`, params);
  const sums = RULE_BASED_MODELS.map((m) => `sum(${CREDIT_COLUMN[m]}), sum(amount * ${CREDIT_COLUMN[m]})`).join(', ');
  await exec(db, `
    INSERT INTO attribution_credit_daily (close_day, campaign_id, channel, touchpoints,
      ${RULE_BASED_MODELS.map((m) => `deals_${CREDIT_COLUMN[m]}, revenue_${CREDIT_COLUMN[m]}`).join(', ')})
    SELECT close_day, campaign_id, min(channel), count(*), ${sums}
    FROM attribution_credit ${where} GROUP BY close_day, campaign_id`, params);
}

/** Before a write transaction commits: recomputes the deals its writes marked dirty (triggers). */
export async function processDirtyCredit(tx: EntityManager): Promise<void> {
  const dirty = await rows<{ id: string }>(tx, `DELETE FROM attribution_dirty RETURNING deal_id::text AS id`);
  if (dirty.length) await refreshCredit(tx, dirty.map((d) => d.id));
}

/** `npm run rollups:rebuild`: the whole table from scratch, in one transaction. */
export async function rebuildCredit(tx: EntityManager): Promise<number> {
  await exec(tx, `DELETE FROM attribution_dirty`);
  await refreshCredit(tx, null);
  return Number((await rows<{ n: string }>(tx, `SELECT count(*) AS n FROM attribution_credit`))[0].n);
}
