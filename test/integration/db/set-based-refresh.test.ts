import fc from 'fast-check';
import { arbLead, loadHistory } from '../../support/random-history';
import { startScratchApi, TestApi } from '../../support/test-server';
import { rolledBack } from '../../support/transactions';
import { rebuildMilestones } from '../../../src/modules/lifecycle/milestones';

jest.setTimeout(180_000);

const LEAD_DERIVED = `stage, status, rejection_reason, first_mql_at, first_sal_at, first_sql_at, first_opportunity_at,
  first_customer_at, lead_at, mql_at, sal_at, sql_at, opportunity_at, customer_at`;
const DERIVED = {
  leads: `SELECT id::text, ${LEAD_DERIVED} FROM leads ORDER BY id`,
  deals: `SELECT id::text, stage_key, status, closed_at, lost_reason FROM deals ORDER BY id`,
  reaches: `SELECT deal_id::text, stage_key, first_entered_at, reached_at FROM deal_stage_reaches ORDER BY deal_id, stage_key`,
};
type Derived = Record<keyof typeof DERIVED, unknown[]>;

/**
 * refresh_leads_all / refresh_deals_all (the set-based full rebuild, migration SetBasedRefresh) give every lead and deal
 * exactly what the per-write refresh gave it through the API, on random histories (recycles, rejections, reopened
 * wins, several deals per lead); and on an up-to-date database they rewrite no lead or deal.
 */
describe('set-based milestone rebuild', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startScratchApi('setrefresh');
    for (const seed of [11, 12, 13]) await loadHistory(api, fc.sample(arbLead, { seed, numRuns: 80 }), seed === 13);
  });
  afterAll(() => api.close());

  const read = async (q: { query: (sql: string) => Promise<unknown[]> }): Promise<Derived> => ({
    leads: await q.query(DERIVED.leads),
    deals: await q.query(DERIVED.deals),
    reaches: await q.query(DERIVED.reaches),
  });

  it('from scrambled derived columns, the full rebuild gives back what the API writes derived', async () => {
    const written = await read(api.ds);
    expect(written.deals.length).toBeGreaterThan(50);
    expect(written.reaches.length).toBeGreaterThan(written.deals.length);
    expect((written.leads as { status: string }[]).some((l) => l.status === 'REJECTED')).toBe(true);
    await rolledBack(api.ds, async (tx) => {
      await tx.query(`UPDATE leads SET stage = 'SQL', status = 'DISQUALIFIED', rejection_reason = 'x',
        first_mql_at = now(), first_sal_at = NULL, first_sql_at = now(), first_opportunity_at = NULL, first_customer_at = now(),
        lead_at = NULL, mql_at = now(), sal_at = NULL, sql_at = now(), opportunity_at = NULL, customer_at = now()
        WHERE id IN (SELECT lead_id FROM lead_events_all())`);
      await tx.query(`UPDATE deals SET stage_key = (SELECT key FROM pipeline_stages WHERE category = 'LOST' LIMIT 1),
        status = 'LOST', closed_at = now(), lost_reason = 'x'`);
      await tx.query(`DELETE FROM deal_stage_reaches`);
      await tx.query(`INSERT INTO deal_stage_reaches (deal_id, stage_key, reached_at)
        SELECT id, (SELECT key FROM pipeline_stages ORDER BY position LIMIT 1), now() FROM deals`);
      expect(await read(tx)).not.toEqual(written);
      await tx.query(`SELECT refresh_deals_all()`);
      await tx.query(`SELECT refresh_leads_all()`);
      expect(await read(tx)).toEqual(written);
    });
  });

  it('on an up-to-date database it rewrites no lead or deal (no trigger fires, no row version is made)', async () => {
    const versions = async () =>
      (
        await api.ds.query(`SELECT (SELECT md5(string_agg(xmin::text, ',' ORDER BY id)) FROM leads) AS leads,
          (SELECT md5(string_agg(xmin::text, ',' ORDER BY id)) FROM deals) AS deals,
          (SELECT count(*)::int FROM change_events) AS events, (SELECT count(*)::int FROM funnel_dirty) AS dirty`)
      )[0];
    const before = await versions();
    const written = await read(api.ds);
    const ms = await rebuildMilestones(api.ds);
    expect(ms.leads).toBeGreaterThanOrEqual(0);
    expect(await versions()).toEqual(before);
    expect(await read(api.ds)).toEqual(written);
  });
});
