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
 * Recomputes the credit rows of the given deals (every deal when null) with the very SQL of the on-the-fly query:
 * each eligible touch of a currently won deal and its share under the seven rule-based models.
 */
export async function refreshCredit(db: Queryable, dealIds: string[] | null): Promise<void> {
  const only = dealIds ? 'AND d.id = ANY($1::bigint[])' : '';
  const params = dealIds ? [dealIds] : [];
  await exec(db, `DELETE FROM attribution_credit ${dealIds ? 'WHERE deal_id = ANY($1::bigint[])' : ''}`, params);
  const middles = RULE_BASED_MODELS.map((m) => `${middleCountSql(m)} AS m_${CREDIT_COLUMN[m]}`).join(', ');
  await exec(db, `
    WITH won AS (SELECT d.id, d.amount, d.created_at, d.closed_at FROM deals d WHERE d.status = 'WON' ${only}),
    ${positionedTouchesSql('t.campaign_id::text', String(CREDIT_LOOKBACK_DAYS), `'infinity'::timestamptz`)},
    middles AS (SELECT *, ${middles} FROM positioned)
    INSERT INTO attribution_credit (deal_id, touchpoint_id, campaign_id, channel, ${RULE_BASED_MODELS.map((m) => CREDIT_COLUMN[m]).join(', ')})
    SELECT deal, touchpoint_id, campaign_id, channel,
      ${RULE_BASED_MODELS.map((m) => shareSql(m, String(CREDIT_HALF_LIFE_DAYS), `m_${CREDIT_COLUMN[m]}`)).join(',\n      ')}
    FROM middles`, params);
}

/** Before a write transaction commits: recomputes the deals its writes marked dirty (triggers). */
export async function processDirtyCredit(tx: EntityManager): Promise<void> {
  const dirty = await rows<{ id: string }>(tx, `DELETE FROM attribution_dirty RETURNING deal_id::text AS id`);
  if (dirty.length) await refreshCredit(tx, dirty.map((d) => d.id));
}

/** True when some write has not been folded in yet (then reads compute on the fly). */
export async function creditIsStale(db: Queryable): Promise<boolean> {
  return (await rows<{ stale: boolean }>(db, `SELECT EXISTS (SELECT 1 FROM attribution_dirty) AS stale`))[0].stale;
}

/** `npm run rollups:rebuild`: the whole table from scratch, in one transaction. */
export async function rebuildCredit(tx: EntityManager): Promise<number> {
  await exec(tx, `DELETE FROM attribution_dirty`);
  await refreshCredit(tx, null);
  return Number((await rows<{ n: string }>(tx, `SELECT count(*) AS n FROM attribution_credit`))[0].n);
}
