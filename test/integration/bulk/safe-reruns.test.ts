import { Role } from '../../../src/common/graphql/enums';
import {
  BulkOut,
  DEAL_BY_EXT,
  MOVE_DEAL,
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
  LEAD_BY_EXT,
} from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

/** Issue 18: a sync run twice changes nothing the second time, and an update names only what it changes. */
describe('safe re-runs and partial updates', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());

  const bulk = async (doc: string, name: string, input: unknown[]) =>
    (await api.ok<Record<string, BulkOut>>(doc, { input }, Role.SERVICE))[name];
  const deal = async (e: string) => (await api.ok(DEAL_BY_EXT, { e })).dealByExternalId;
  const history = (d: { stageHistory: { toStage: string; occurredAt: string }[] }) =>
    d.stageHistory.map((h) => `${h.toStage}@${h.occurredAt}`);

  it('a deal row with a stage and no stageAt, sent three times: one move, one version, then UNCHANGED', async () => {
    const e = unique('rerun');
    const row = { externalId: e, name: 'Acme', amount: 100, createdAt: '2026-01-05T10:00:00.000Z' };
    const created = await bulk(UPSERT_DEALS, 'upsertDeals', [row]);
    expect(created.results[0].outcome).toBe('CREATED');
    const moved = await bulk(UPSERT_DEALS, 'upsertDeals', [{ ...row, stage: 'PROPOSAL' }]);
    expect(moved.results[0].outcome).toBe('UPDATED');
    const after = await deal(e);
    for (let run = 0; run < 2; run++) {
      const again = await bulk(UPSERT_DEALS, 'upsertDeals', [{ ...row, stage: 'PROPOSAL' }]);
      expect(again.results[0]).toMatchObject({ success: true, created: false, outcome: 'UNCHANGED' });
    }
    const now = await deal(e);
    expect(now.version).toBe(after.version);
    expect(now.stageHistory).toHaveLength(2);
    expect(history(now)).toEqual(history(after));
  });

  it('stage with stageAt records that change at that instant, once, on create and on every re-run', async () => {
    const e = unique('stageat');
    const row = {
      externalId: e,
      name: 'Initech',
      amount: 6000,
      createdAt: '2026-04-15T09:00:00.000Z',
      stage: 'WON',
      stageAt: '2026-05-30T09:00:00.000Z',
    };
    expect((await bulk(UPSERT_DEALS, 'upsertDeals', [row])).results[0].outcome).toBe('CREATED');
    const first = await deal(e);
    expect(history(first)).toEqual(['QUALIFICATION@2026-04-15T09:00:00.000Z', 'WON@2026-05-30T09:00:00.000Z']);
    expect(first).toMatchObject({ status: 'WON', closedAt: '2026-05-30T09:00:00.000Z' });
    expect((await bulk(UPSERT_DEALS, 'upsertDeals', [row])).results[0].outcome).toBe('UNCHANGED');
    expect((await deal(e)).version).toBe(first.version);
    // stageAt equal to createdAt: the deal is created in that stage
    const e2 = unique('stageat');
    await bulk(UPSERT_DEALS, 'upsertDeals', [{ ...row, externalId: e2, stage: 'PROPOSAL', stageAt: row.createdAt }]);
    expect(history(await deal(e2))).toEqual(['PROPOSAL@2026-04-15T09:00:00.000Z']);
    const bad = await bulk(UPSERT_DEALS, 'upsertDeals', [
      { externalId: unique('x'), stageAt: row.createdAt },
      { ...row, externalId: unique('x'), stageAt: '2026-04-01T00:00:00.000Z' },
    ]);
    expect(bad.results.map((r) => [r.outcome, r.errors[0]?.field])).toEqual([
      ['FAILED', 'stageAt'],
      ['FAILED', 'stageAt'],
    ]);
  });

  it('recordDealStageChanges without occurredAt: the stage the deal is in is UNCHANGED, another one is entered now', async () => {
    const e = unique('assert');
    await bulk(UPSERT_DEALS, 'upsertDeals', [{ externalId: e, name: 'A', amount: 1, stage: 'PROPOSAL' }]);
    const before = await deal(e);
    const same = await bulk(RECORD_DEAL_CHANGES, 'recordDealStageChanges', [{ dealExternalId: e, stage: 'PROPOSAL' }]);
    expect(same.results[0]).toMatchObject({ success: true, outcome: 'UNCHANGED' });
    expect((await deal(e)).version).toBe(before.version);
    const t0 = Date.now();
    const other = await bulk(RECORD_DEAL_CHANGES, 'recordDealStageChanges', [{ dealExternalId: e, stage: 'WON' }]);
    expect(other.results[0]).toMatchObject({ success: true, outcome: 'CREATED' });
    const won = await deal(e);
    expect(won.status).toBe('WON');
    expect(Math.abs(new Date(won.closedAt).getTime() - t0)).toBeLessThan(60_000);
    expect(won.version).toBe(before.version + 1);
  });

  it('moveDealStage into the stage the deal is in, at the version read: no history row, no version bump', async () => {
    const e = unique('move');
    await bulk(UPSERT_DEALS, 'upsertDeals', [{ externalId: e, name: 'A', amount: 1, stage: 'PROPOSAL' }]);
    const d = await deal(e);
    const r = await api.ok(MOVE_DEAL, { input: { dealId: d.id, stage: 'PROPOSAL', expectedVersion: d.version } });
    expect(r.moveDealStage).toMatchObject({ version: d.version, stage: { key: 'PROPOSAL' } });
    expect((await deal(e)).stageHistory).toHaveLength(1);
    // a stale version still gets CONFLICT: the caller did not see the state it asserts
    const stale = await api.gql(MOVE_DEAL, { input: { dealId: d.id, stage: 'PROPOSAL', expectedVersion: 0 } });
    expect(stale.body.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('a lead event without occurredAt that is already the latest is UNCHANGED', async () => {
    const e = unique('lead');
    await bulk(UPSERT_LEADS, 'upsertLeads', [{ externalId: e, createdAt: '2026-02-01T00:00:00.000Z' }]);
    const first = await bulk(RECORD_LEAD_EVENTS, 'recordLeadStageChanges', [{ leadExternalId: e, event: 'MQL' }]);
    expect(first.results[0].outcome).toBe('CREATED');
    const again = await bulk(RECORD_LEAD_EVENTS, 'recordLeadStageChanges', [{ leadExternalId: e, event: 'MQL' }]);
    expect(again.results[0].outcome).toBe('UNCHANGED');
    const lead = (await api.ok(LEAD_BY_EXT, { e })).leadByExternalId;
    expect(lead.stageHistory.map((h: { event: string }) => h.event)).toEqual(['LEAD', 'MQL']);
  });

  describe('partial input: only externalId on update, the required fields on create', () => {
    it('deals: an amount-only row updates the amount; a create without name or amount fails alone', async () => {
      const e = unique('partial');
      await bulk(UPSERT_DEALS, 'upsertDeals', [{ externalId: e, name: 'Globex', amount: 12500 }]);
      const r = await bulk(UPSERT_DEALS, 'upsertDeals', [
        { externalId: e, amount: 13000 },
        { externalId: unique('new'), amount: 5 },
        { externalId: unique('new'), name: 'No amount' },
        { externalId: unique('new'), name: '  ', amount: 1 },
      ]);
      expect(r.results.map((x) => [x.outcome, x.errors[0]?.code ?? null, x.errors[0]?.field ?? null])).toEqual([
        ['UPDATED', null, null],
        ['FAILED', 'BAD_USER_INPUT', 'name'],
        ['FAILED', 'BAD_USER_INPUT', 'amount'],
        ['FAILED', 'BAD_USER_INPUT', 'name'],
      ]);
      const cleared = await bulk(UPSERT_DEALS, 'upsertDeals', [{ externalId: e, name: null }]);
      expect(cleared.results[0].errors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
      expect(await deal(e)).toMatchObject({ name: 'Globex', amount: 13000 });
      expect((await bulk(UPSERT_DEALS, 'upsertDeals', [{ externalId: e, amount: 13000 }])).results[0].outcome).toBe(
        'UNCHANGED',
      );
    });

    it('accounts and campaigns: a field-only update keeps the name (and channel); a create needs them', async () => {
      const a = unique('acc');
      await bulk(UPSERT_ACCOUNTS, 'upsertAccounts', [{ externalId: a, name: 'Acme' }]);
      const acc = await bulk(UPSERT_ACCOUNTS, 'upsertAccounts', [
        { externalId: a, industry: 'Retail' },
        { externalId: unique('acc'), industry: 'Retail' },
      ]);
      expect(acc.results.map((x) => [x.outcome, x.errors[0]?.field ?? null])).toEqual([
        ['UPDATED', null],
        ['FAILED', 'name'],
      ]);
      const [row] = await api.ds.query(`SELECT name, industry FROM accounts WHERE external_id = $1`, [a]);
      expect(row).toEqual({ name: 'Acme', industry: 'Retail' });
      const c = unique('cmp');
      await bulk(UPSERT_CAMPAIGNS, 'upsertCampaigns', [{ externalId: c, name: 'Spring', channel: 'EMAIL' }]);
      const cmp = await bulk(UPSERT_CAMPAIGNS, 'upsertCampaigns', [
        { externalId: c, budget: 500 },
        { externalId: unique('cmp'), name: 'No channel' },
      ]);
      expect(cmp.results.map((x) => [x.outcome, x.errors[0]?.field ?? null])).toEqual([
        ['UPDATED', null],
        ['FAILED', 'channel'],
      ]);
      const cleared = await bulk(UPSERT_CAMPAIGNS, 'upsertCampaigns', [{ externalId: c, channel: null }]);
      expect(cleared.results[0].errors[0]?.field).toBe('channel');
      const [crow] = await api.ds.query(
        `SELECT name, channel, budget::float8 AS budget FROM campaigns WHERE external_id = $1`,
        [c],
      );
      expect(crow).toEqual({ name: 'Spring', channel: 'EMAIL', budget: 500 });
    });
  });
});
