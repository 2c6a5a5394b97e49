import { Role } from '../../../src/common/graphql/enums';
import {
  BulkOut,
  DEAL_BY_EXT,
  LEAD_BY_EXT,
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  RETRACT_DEAL_CHANGES,
  RETRACT_LEAD_EVENTS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const KPIS = `query($from: DateTimeISO!, $to: DateTimeISO!) {
  kpis(input: { from: $from, to: $to }) { wonDeals revenue lostDeals opportunities sqls sals mqls winRate { numerator denominator } } }`;
// 1976 is this file's year: no other test writes there
const YEAR = { from: '1976-01-01T00:00:00.000Z', to: '1977-01-01T00:00:00.000Z' };

/** Issue 18: a wrongly recorded history entry can be taken back, and everything derived from it follows. */
describe('retractDealStageChanges / retractLeadStageChanges', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());
  const bulk = async (doc: string, name: string, input: unknown[], role = Role.SERVICE) =>
    (await api.ok<Record<string, BulkOut>>(doc, { input }, role))[name];
  const kpis = async () => (await api.ok(KPIS, YEAR)).kpis;

  it('retracting a wrong WON reopens the deal, bumps its version, is audited, and the KPIs (rollups) follow', async () => {
    const lead = unique('rl');
    const e = unique('rd');
    await bulk(UPSERT_LEADS, 'upsertLeads', [{ externalId: lead, createdAt: '1976-01-02T00:00:00.000Z' }]);
    await bulk(UPSERT_DEALS, 'upsertDeals', [
      { externalId: e, name: 'X', amount: 100, createdAt: '1976-02-01T00:00:00.000Z', leadExternalIds: [lead] },
    ]);
    await bulk(RECORD_DEAL_CHANGES, 'recordDealStageChanges', [
      { dealExternalId: e, stage: 'PROPOSAL', occurredAt: '1976-03-01T00:00:00.000Z' },
      { dealExternalId: e, stage: 'WON', occurredAt: '1976-04-01T00:00:00.000Z', amount: 100 },
    ]);
    const before = (await api.ok(DEAL_BY_EXT, { e })).dealByExternalId;
    expect(before.status).toBe('WON');
    const k0 = await kpis();
    expect(k0).toMatchObject({ wonDeals: 1, revenue: 100 });
    const leadBefore = (await api.ok(LEAD_BY_EXT, { e: lead })).leadByExternalId;
    expect(leadBefore.customerAt).toBe('1976-04-01T00:00:00.000Z');

    const key = { dealExternalId: e, stage: 'WON', occurredAt: '1976-04-01T00:00:00.000Z' };
    const r = await bulk(RETRACT_DEAL_CHANGES, 'retractDealStageChanges', [key], Role.REVOPS);
    expect(r.results[0]).toMatchObject({ success: true, outcome: 'UPDATED', id: before.id });

    const after = (await api.ok(DEAL_BY_EXT, { e })).dealByExternalId;
    expect(after).toMatchObject({
      status: 'OPEN',
      closedAt: null,
      stage: { key: 'PROPOSAL' },
      version: before.version + 1,
    });
    expect(after.stageHistory.map((h: { toStage: string }) => h.toStage)).toEqual(['QUALIFICATION', 'PROPOSAL']);
    expect((await api.ok(LEAD_BY_EXT, { e: lead })).leadByExternalId.customerAt).toBeNull();
    expect(await kpis()).toMatchObject({ wonDeals: k0.wonDeals - 1, revenue: k0.revenue - 100 });

    const audit = await api.ds.query(
      `SELECT actor_role, changes -> 'to_stage' ->> 0 AS stage FROM audit_log
       WHERE entity = 'deal_stage_changes' AND action = 'DELETE' AND changes -> 'deal_id' ->> 0 = $1`,
      [before.id],
    );
    expect(audit).toEqual([{ actor_role: 'REVOPS', stage: 'WON' }]);

    // the same retraction again, the creation entry, an unknown deal: each fails alone with its reason
    const again = await bulk(RETRACT_DEAL_CHANGES, 'retractDealStageChanges', [
      key,
      { dealExternalId: e, stage: 'QUALIFICATION', occurredAt: '1976-02-01T00:00:00.000Z' },
      { dealExternalId: unique('none'), stage: 'WON', occurredAt: '1976-04-01T00:00:00.000Z' },
    ]);
    expect(again.results.map((x) => [x.errors[0].code, x.errors[0].field])).toEqual([
      ['NOT_FOUND', 'occurredAt'],
      ['BAD_USER_INPUT', 'occurredAt'],
      ['NOT_FOUND', 'dealExternalId'],
    ]);
    expect((await api.ok(DEAL_BY_EXT, { e })).dealByExternalId.version).toBe(after.version);
  });

  it('retracting a lead hand-off event moves the lead back; its LEAD entry cannot be retracted', async () => {
    const e = unique('rl');
    await bulk(UPSERT_LEADS, 'upsertLeads', [{ externalId: e, createdAt: '1976-05-01T00:00:00.000Z' }]);
    await bulk(RECORD_LEAD_EVENTS, 'recordLeadStageChanges', [
      { leadExternalId: e, event: 'MQL', occurredAt: '1976-05-02T00:00:00.000Z' },
      { leadExternalId: e, event: 'SAL', occurredAt: '1976-05-03T00:00:00.000Z' },
    ]);
    const k0 = await kpis();
    const r = await bulk(RETRACT_LEAD_EVENTS, 'retractLeadStageChanges', [
      { leadExternalId: e, event: 'SAL', occurredAt: '1976-05-03T00:00:00.000Z' },
      { leadExternalId: e, event: 'LEAD', occurredAt: '1976-05-01T00:00:00.000Z' },
    ]);
    expect(r.results.map((x) => [x.outcome, x.errors[0]?.field ?? null])).toEqual([
      ['UPDATED', null],
      ['FAILED', 'event'],
    ]);
    const lead = (await api.ok(LEAD_BY_EXT, { e })).leadByExternalId;
    expect(lead).toMatchObject({ stage: 'MQL', salAt: null, mqlAt: '1976-05-02T00:00:00.000Z' });
    expect(await kpis()).toMatchObject({ sals: k0.sals - 1, mqls: k0.mqls });
  });

  it('SALES may not retract from a deal it does not own (NOT_FOUND, as if absent); ANALYST is FORBIDDEN', async () => {
    const e = unique('rd');
    await bulk(UPSERT_DEALS, 'upsertDeals', [{ externalId: e, name: 'X', amount: 1, stage: 'PROPOSAL' }]);
    const key = { dealExternalId: e, stage: 'PROPOSAL', occurredAt: '1976-01-01T00:00:00.000Z' };
    const sales = await bulk(RETRACT_DEAL_CHANGES, 'retractDealStageChanges', [key], Role.SALES);
    expect(sales.results[0].errors[0]).toMatchObject({ code: 'NOT_FOUND', field: 'dealExternalId' });
    const analyst = await api.gql(RETRACT_DEAL_CHANGES, { input: [key] }, Role.ANALYST);
    expect(analyst.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
