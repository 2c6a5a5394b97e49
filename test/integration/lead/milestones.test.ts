import fc from 'fast-check';
import { Role } from '../../../src/common/graphql/enums';
import {
  at,
  BulkOut,
  DEAL_BY_EXT,
  LEAD_BY_EXT,
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';
import { funnelExample1 } from '../../support/funnel-example';

/** Worked example 1 (docs/examples/funnel-1.md), sent backdated and out of order. */
const example = (p: string) => funnelExample1(p);

const EXPECTED = {
  R1: {
    stage: 'CUSTOMER',
    status: 'OPEN',
    rejectionReason: null,
    mqlAt: at('2025-03-03'),
    salAt: at('2025-03-05'),
    sqlAt: at('2025-03-05'),
    opportunityAt: at('2025-03-10'),
    customerAt: at('2025-04-20'),
  },
  R2: {
    stage: 'MQL',
    status: 'REJECTED',
    rejectionReason: 'NO_BUDGET',
    mqlAt: at('2025-03-02'),
    salAt: null,
    sqlAt: null,
    opportunityAt: null,
    customerAt: null,
  },
  R3: {
    stage: 'OPPORTUNITY',
    status: 'OPEN',
    rejectionReason: null,
    mqlAt: at('2025-03-06'),
    salAt: at('2025-03-06'),
    sqlAt: at('2025-03-06'),
    opportunityAt: at('2025-03-20'),
    customerAt: null,
  },
  R4: {
    stage: 'OPPORTUNITY',
    status: 'OPEN',
    rejectionReason: null,
    mqlAt: at('2025-01-15'),
    salAt: at('2025-03-02'),
    sqlAt: at('2025-03-02'),
    opportunityAt: at('2025-03-04'),
    customerAt: null,
  },
  R5: {
    stage: 'SQL',
    status: 'OPEN',
    rejectionReason: null,
    mqlAt: at('2025-03-12'),
    salAt: at('2025-04-05'),
    sqlAt: at('2025-04-05'),
    opportunityAt: null,
    customerAt: null,
  },
};

describe('derived milestones (definitions.md section 2 and 3)', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());

  const send = async (doc: string, field: string, input: unknown[]) => {
    const out = (await api.ok<Record<string, BulkOut>>(doc, { input, allOrNone: true }, Role.SERVICE))[field];
    expect(out.errorCount).toBe(0);
  };
  const lead = async (ext: string) => (await api.ok(LEAD_BY_EXT, { e: ext })).leadByExternalId;
  const milestones = async (p: string) => {
    const out: Record<string, unknown> = {};
    for (const n of [1, 2, 3, 4, 5]) {
      const { stage, status, rejectionReason, mqlAt, salAt, sqlAt, opportunityAt, customerAt } = await lead(
        `${p}-R${n}`,
      );
      out[`R${n}`] = { stage, status, rejectionReason, mqlAt, salAt, sqlAt, opportunityAt, customerAt };
    }
    return out;
  };

  it('worked example 1, every event sent latest-first: reaches, inferred stages, current stage and status', async () => {
    const p = unique('ex1');
    const e = example(p);
    await send(UPSERT_LEADS, 'upsertLeads', e.leads);
    await send(RECORD_LEAD_EVENTS, 'recordLeadStageChanges', [...e.events].reverse());
    await send(UPSERT_DEALS, 'upsertDeals', e.deals);
    await send(RECORD_DEAL_CHANGES, 'recordDealStageChanges', [...e.dealChanges].reverse());
    expect(await milestones(p)).toEqual(EXPECTED);

    const r5 = await lead(`${p}-R5`);
    expect(r5.stageHistory.map((h: any) => [h.event, h.fromStage, h.toStage, h.reason])).toEqual([
      ['LEAD', null, 'LEAD', null],
      ['MQL', 'LEAD', 'MQL', null],
      ['RECYCLED', 'MQL', 'LEAD', 'TIMING'],
      ['MQL', 'LEAD', 'MQL', null],
      ['SQL', 'MQL', 'SQL', null],
    ]);
    const d1 = (await api.ok(DEAL_BY_EXT, { e: `${p}-D1` })).dealByExternalId;
    expect(d1).toMatchObject({ status: 'WON', closedAt: at('2025-04-20'), stage: { key: 'WON' } });
    expect(d1.stageHistory.map((h: any) => [h.fromStage, h.toStage])).toEqual([
      [null, 'QUALIFICATION'],
      ['QUALIFICATION', 'PROPOSAL'],
      ['PROPOSAL', 'WON'],
    ]);
    const d3 = (await api.ok(DEAL_BY_EXT, { e: `${p}-D3` })).dealByExternalId;
    expect(d3).toMatchObject({ status: 'LOST', closedAt: at('2025-04-02'), lostReason: 'Went with a competitor' });

    // pipeline reaches: PROPOSAL implies DISCOVERY; WON implies NEGOTIATION (definitions.md section 3)
    const reaches = await api.ds.query(
      `SELECT r.stage_key, r.reached_at, r.first_entered_at IS NULL AS inferred FROM deal_stage_reaches r
       JOIN deals d ON d.id = r.deal_id WHERE d.external_id = $1 ORDER BY r.reached_at, r.stage_key`,
      [`${p}-D1`],
    );
    expect(reaches.map((r: any) => [r.stage_key, r.reached_at.toISOString(), r.inferred])).toEqual([
      ['QUALIFICATION', at('2025-03-10'), false],
      ['DISCOVERY', at('2025-03-25'), true],
      ['PROPOSAL', at('2025-03-25'), false],
      ['NEGOTIATION', at('2025-04-20'), true],
      ['WON', at('2025-04-20'), false],
    ]);
  });

  it('a reopened deal is no longer won: its lead loses CUSTOMER; winning again counts once, at the new close', async () => {
    const p = unique('reopen');
    const e = example(p);
    await send(UPSERT_LEADS, 'upsertLeads', e.leads.slice(0, 1));
    await send(UPSERT_DEALS, 'upsertDeals', e.deals.slice(0, 1));
    await send(RECORD_DEAL_CHANGES, 'recordDealStageChanges', e.dealChanges.slice(0, 2));
    await send(RECORD_DEAL_CHANGES, 'recordDealStageChanges', [
      { dealExternalId: `${p}-D1`, stage: 'NEGOTIATION', occurredAt: at('2025-04-25') },
    ]);
    expect(await lead(`${p}-R1`)).toMatchObject({ stage: 'OPPORTUNITY', customerAt: null });
    expect((await api.ok(DEAL_BY_EXT, { e: `${p}-D1` })).dealByExternalId).toMatchObject({
      status: 'OPEN',
      closedAt: null,
    });
    await send(RECORD_DEAL_CHANGES, 'recordDealStageChanges', [
      { dealExternalId: `${p}-D1`, stage: 'WON', occurredAt: at('2025-05-02') },
    ]);
    expect(await lead(`${p}-R1`)).toMatchObject({ stage: 'CUSTOMER', customerAt: at('2025-05-02') });
  });

  it('any insertion order of the same history gives the same milestones (property, fixed seed)', async () => {
    const e = example('x');
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(e.events, { minLength: e.events.length }),
        fc.integer({ min: 1, max: 4 }),
        async (events, chunks) => {
          const p = unique('perm');
          const ex = example(p);
          const rename = (s: string) => s.replace(/^x-/, `${p}-`);
          await send(UPSERT_LEADS, 'upsertLeads', ex.leads);
          const size = Math.ceil(events.length / chunks);
          for (let i = 0; i < events.length; i += size) {
            await send(
              RECORD_LEAD_EVENTS,
              'recordLeadStageChanges',
              events.slice(i, i + size).map((ev) => ({ ...ev, leadExternalId: rename(ev.leadExternalId) })),
            );
          }
          await send(UPSERT_DEALS, 'upsertDeals', ex.deals);
          await send(RECORD_DEAL_CHANGES, 'recordDealStageChanges', ex.dealChanges);
          expect(await milestones(p)).toEqual(EXPECTED);
        },
      ),
      { seed: 20251123, numRuns: 12 },
    );
  });

  it("moving a lead's createdAt or a deal's createdAt later recomputes the reaches", async () => {
    const p = unique('move');
    const e = example(p);
    await send(UPSERT_LEADS, 'upsertLeads', e.leads);
    await send(RECORD_LEAD_EVENTS, 'recordLeadStageChanges', e.events);
    await send(UPSERT_DEALS, 'upsertDeals', e.deals);
    await send(UPSERT_DEALS, 'upsertDeals', [{ ...e.deals[2], createdAt: at('2025-03-07') }]);
    expect(await lead(`${p}-R4`)).toMatchObject({ opportunityAt: at('2025-03-07') });
    await send(UPSERT_LEADS, 'upsertLeads', [{ externalId: `${p}-R3`, createdAt: at('2025-03-01') }]);
    const r3 = await lead(`${p}-R3`);
    expect(r3).toMatchObject({ createdAt: at('2025-03-01'), mqlAt: at('2025-03-06') });
    expect(r3.stageHistory[0]).toMatchObject({ event: 'LEAD', occurredAt: at('2025-03-01') });
  });
});
