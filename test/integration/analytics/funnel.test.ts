import { Role } from '../../../src/common/graphql/enums';
import { RECORD_DEAL_CHANGES, RECORD_LEAD_EVENTS, UPSERT_DEALS, UPSERT_LEADS } from '../../support/ops';
import { bulkLoad, freshOwner } from '../../support/bulk-load';
import { funnelExample1 } from '../../support/funnel-example';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const FUNNEL = `query($input: FunnelInput!) { funnel(input: $input) {
  basis isComplete asOf
  steps { stage count inferredCount dropOff conversionFromPrevious { numerator denominator value } conversionFromFirst { numerator denominator value } daysFromPrevious { count mean median } }
  groups { key steps { stage count } } } }`;
const AS_OF = '2025-05-01T12:00:00.000Z';
const day = (d: string) => `2025-${d}T00:00:00.000Z`;

/** Worked example 1 (docs/examples/funnel-1.md), scoped to a fresh owner so other tests' data never counts. */
describe('Query.funnel — worked example 1', () => {
  let api: TestApi;
  let ownerId: string;
  beforeAll(async () => {
    api = await startTestApi();
    const p = unique('fx1');
    const owner = await freshOwner(api, p);
    ownerId = owner.id;
    const e = funnelExample1(p, owner.email);
    await bulkLoad(api, [
      [UPSERT_LEADS, e.leads],
      [RECORD_LEAD_EVENTS, e.events],
      [UPSERT_DEALS, e.deals],
      [RECORD_DEAL_CHANGES, e.dealChanges],
    ]);
  });
  afterAll(() => api.close());

  const run = async (input: Record<string, unknown>, role = Role.ANALYST) =>
    (await api.ok(FUNNEL, { input: { asOf: AS_OF, ownerIds: [ownerId], ...input } }, role)).funnel;
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10000) / 10000);

  it('COHORT, whole ladder, Feb–Mar: counts, inferred, rates, drop-off, days from previous', async () => {
    const f = await run({ from: day('02-01'), to: day('04-01') });
    expect(f.basis).toBe('COHORT');
    expect(f.isComplete).toBe(false);
    expect(f.steps.map((s: any) => [s.stage, s.count, s.inferredCount, s.dropOff])).toEqual([
      ['LEAD', 4, 0, null],
      ['MQL', 4, 1, 0],
      ['SAL', 3, 3, 1],
      ['SQL', 3, 0, 0],
      ['OPPORTUNITY', 2, 0, 1],
      ['CUSTOMER', 1, 0, 1],
    ]);
    expect(
      f.steps.map(
        (s: any) =>
          s.conversionFromPrevious && [s.conversionFromPrevious.numerator, s.conversionFromPrevious.denominator],
      ),
    ).toEqual([null, [4, 4], [3, 4], [3, 3], [2, 3], [1, 2]]);
    expect(f.steps[5].conversionFromFirst).toEqual({ numerator: 1, denominator: 4, value: 0.25 });
    expect(
      f.steps.map((s: any) => s.daysFromPrevious && [round(s.daysFromPrevious.mean), round(s.daysFromPrevious.median)]),
    ).toEqual([null, [3.75, 1.5], [8.6667, 2], [0, 0], [9.5, 9.5], [41, 41]]);
  });

  it('COHORT by CHANNEL: every lead in exactly one group, groups sum to the total', async () => {
    const f = await run({ from: day('02-01'), to: day('04-01'), breakdown: 'CHANNEL' });
    const groups = Object.fromEntries(f.groups.map((g: any) => [g.key, g.steps.map((s: any) => s.count)]));
    expect(groups).toEqual({
      WEBINAR: [1, 1, 1, 1, 1, 1],
      PAID_SEARCH: [2, 2, 1, 1, 0, 0],
      OUTBOUND: [1, 1, 1, 1, 1, 0],
    });
    f.steps.forEach((s: any, k: number) =>
      expect(f.groups.reduce((n: number, g: any) => n + g.steps[k].count, 0)).toBe(s.count),
    );
  });

  it('steps [MQL, SQL] in March: windows, STRICT, FLOW and a zero denominator', async () => {
    const march = { from: day('03-01'), to: day('04-01'), steps: ['MQL', 'SQL'] };
    const w30 = await run({ ...march, conversionWindowDays: 30 });
    expect(w30.steps.map((s: any) => s.count)).toEqual([4, 3]);
    expect(w30.steps[1].conversionFromPrevious).toEqual({ numerator: 3, denominator: 4, value: 0.75 });
    expect(w30.isComplete).toBe(true);
    expect([round(w30.steps[1].daysFromPrevious.mean), round(w30.steps[1].daysFromPrevious.median)]).toEqual([
      8.6667, 2,
    ]);

    const strict = await run({ ...march, conversionWindowDays: 30, skippedStages: 'STRICT' });
    expect(strict.steps.map((s: any) => s.count)).toEqual([3, 2]);

    const w14 = await run({ ...march, conversionWindowDays: 14 });
    expect(w14.steps[1].conversionFromPrevious).toEqual({ numerator: 2, denominator: 4, value: 0.5 });

    const flow = await run({ ...march, basis: 'FLOW' });
    expect(flow.steps.map((s: any) => [s.count, s.dropOff])).toEqual([
      [4, null],
      [3, null],
    ]);
    expect(flow.steps[1].conversionFromPrevious.value).toBe(0.75);

    const april = await run({ from: day('04-01'), to: day('05-01'), steps: ['MQL', 'SQL'], basis: 'FLOW' });
    expect(april.steps.map((s: any) => s.count)).toEqual([0, 1]);
    expect(april.steps[1].conversionFromPrevious).toEqual({ numerator: 1, denominator: 0, value: null });
  });

  it('asOf freezes the report: before D1 was won there is no customer', async () => {
    const f = await run({ from: day('02-01'), to: day('04-01'), asOf: '2025-04-10T00:00:00.000Z' });
    expect(f.steps.map((s: any) => s.count)).toEqual([4, 4, 3, 3, 2, 0]);
  });

  const PIPELINE = `query($input: PipelineFunnelInput!) { pipelineFunnel(input: $input) { isComplete steps { stage label count inferredCount dropOff }
    groups { key steps { count } } } }`;
  const pipeline = async (input: Record<string, unknown>) =>
    (await api.ok(PIPELINE, { input: { asOf: AS_OF, ownerIds: [ownerId], ...input } }, Role.ANALYST)).pipelineFunnel;

  it('pipelineFunnel, COHORT, deals created in March: PROPOSAL implies DISCOVERY, WON implies NEGOTIATION', async () => {
    const f = await pipeline({ from: day('03-01'), to: day('04-01') });
    expect(f.steps.map((s: any) => [s.stage, s.count, s.inferredCount])).toEqual([
      ['QUALIFICATION', 3, 0],
      ['DISCOVERY', 2, 1],
      ['PROPOSAL', 1, 0],
      ['NEGOTIATION', 1, 1],
      ['WON', 1, 0],
    ]);
    expect(f.steps[4].label).toBe('Closed won');
    const strict = await pipeline({ from: day('03-01'), to: day('04-01'), skippedStages: 'STRICT' });
    expect(strict.steps.map((s: any) => s.count)).toEqual([3, 1, 0, 0, 0]);
    const before = await pipeline({ from: day('03-01'), to: day('04-01'), asOf: '2025-04-10T00:00:00.000Z' });
    expect(before.steps.map((s: any) => s.count)).toEqual([3, 2, 1, 0, 0]);
    const flow = await pipeline({ from: day('04-01'), to: day('05-01'), basis: 'FLOW', steps: ['PROPOSAL', 'WON'] });
    expect(flow.steps.map((s: any) => [s.count, s.dropOff])).toEqual([
      [0, null],
      [1, null],
    ]);
    const byOwner = await pipeline({ from: day('03-01'), to: day('04-01'), breakdown: 'OWNER' });
    expect(byOwner.groups.map((g: any) => g.steps.map((s: any) => s.count))).toEqual([[3, 2, 1, 1, 1]]);
  });

  const KPIS = `query($input: KpiInput!) { kpis(input: $input) { leads mqls sals sqls opportunities pipelineCreated wonDeals lostDeals revenue
    winRate { numerator denominator value } winRateByValue { numerator denominator value } averageDealSize salesCycleDays { count mean median }
    mqlToSqlRate { numerator denominator value } leadRejectionRate { numerator denominator value } rejectionReasons { reason count }
    leadResponseHours { count mean median } slaCompliance { numerator denominator value } newCustomers marketingSourcedRevenue
    marketingInfluencedRevenue openPipeline weightedPipeline pipelineVelocity } }`;
  const kpis = async (input: Record<string, unknown>) =>
    (await api.ok(KPIS, { input: { asOf: AS_OF, ownerIds: [ownerId], ...input } }, Role.ANALYST)).kpis;
  const parts = (r: any) => [r.numerator, r.denominator];

  it('kpis for March: flow counts, MQL→SQL cohort, hand-off rejection, response time and SLA', async () => {
    const k = await kpis({ from: day('03-01'), to: day('04-01') });
    expect([k.leads, k.mqls, k.sals, k.sqls, k.opportunities, k.pipelineCreated, k.wonDeals, k.lostDeals]).toEqual([
      3, 4, 3, 3, 3, 30000, 0, 0,
    ]);
    expect(k.winRate).toEqual({ numerator: 0, denominator: 0, value: null });
    expect(parts(k.mqlToSqlRate)).toEqual([3, 4]);
    expect(k.leadRejectionRate).toEqual({ numerator: 2, denominator: 4, value: 0.5 });
    expect(k.rejectionReasons).toEqual([
      { reason: 'NO_BUDGET', count: 1 },
      { reason: 'TIMING', count: 1 },
    ]);
    expect(k.leadResponseHours).toEqual({ count: 4, mean: 42, median: 48 });
    expect(parts(k.slaCompliance)).toEqual([1, 4]);
  });

  it('kpis for April: win rates, deal size, cycle, sourced revenue, open and weighted pipeline, velocity', async () => {
    const k = await kpis({ from: day('04-01'), to: day('05-01') });
    expect([k.leads, k.mqls, k.sals, k.sqls, k.opportunities, k.wonDeals, k.lostDeals, k.revenue]).toEqual([
      0, 0, 1, 1, 0, 1, 1, 10000,
    ]);
    expect(parts(k.winRate)).toEqual([1, 2]);
    expect(parts(k.winRateByValue)).toEqual([10000, 18000]);
    expect(k.averageDealSize).toBe(10000);
    expect(k.salesCycleDays).toEqual({ count: 1, mean: 41, median: 41 });
    expect(k.mqlToSqlRate).toEqual({ numerator: 0, denominator: 0, value: null });
    expect([
      k.marketingSourcedRevenue,
      k.marketingInfluencedRevenue,
      k.openPipeline,
      k.weightedPipeline,
      k.newCustomers,
    ]).toEqual([10000, 0, 12000, 1200, 1]);
    expect(Math.round(k.pipelineVelocity * 10000) / 10000).toBe(121.9512);
  });

  it('refuses bad input with BAD_USER_INPUT', async () => {
    for (const input of [
      { from: day('03-01'), to: day('04-01'), steps: ['LOST'] },
      { from: day('03-01'), to: day('04-01'), breakdown: 'CHANNEL' },
    ]) {
      const r = await api.gql(PIPELINE, { input }, Role.ANALYST);
      expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    for (const input of [
      { from: day('04-01'), to: day('03-01') },
      { from: day('03-01'), to: day('04-01'), steps: ['SQL', 'MQL'] },
      { from: day('03-01'), to: day('04-01'), conversionWindowDays: -1 },
    ]) {
      const r = await api.gql(FUNNEL, { input: { asOf: AS_OF, ...input } }, Role.ANALYST);
      expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

/**
 * The period pre-filter (funnel.query.ts anyFirstEntryIn) must keep a lead whose only entry in the period is a win
 * that was reopened later: as of a day between the two it is a customer, although first_customer_at is now empty.
 */
describe('Query.funnel — a win reopened later still counts as of before the reopen', () => {
  let api: TestApi;
  let ownerId: string;
  beforeAll(async () => {
    api = await startTestApi();
    const p = unique('reo');
    const owner = await freshOwner(api, p);
    ownerId = owner.id;
    const ownerEmail = owner.email;
    await bulkLoad(api, [
      [UPSERT_LEADS, [{ externalId: `${p}-L`, createdAt: '2011-01-05T12:00:00.000Z', source: 'WEBINAR', ownerEmail }]],
      [
        UPSERT_DEALS,
        [
          {
            externalId: `${p}-D`,
            name: 'D',
            amount: 5000,
            leadExternalIds: [`${p}-L`],
            createdAt: '2011-01-10T12:00:00.000Z',
            ownerEmail,
          },
        ],
      ],
      [
        RECORD_DEAL_CHANGES,
        [
          { dealExternalId: `${p}-D`, stage: 'WON', occurredAt: '2011-03-01T12:00:00.000Z' },
          { dealExternalId: `${p}-D`, stage: 'NEGOTIATION', occurredAt: '2011-04-01T12:00:00.000Z' },
        ],
      ],
    ]);
  });
  afterAll(() => api.close());

  it('FLOW in March: CUSTOMER 1 as of March 20, 0 as of now', async () => {
    const march = {
      from: '2011-03-01T00:00:00.000Z',
      to: '2011-04-01T00:00:00.000Z',
      basis: 'FLOW',
      ownerIds: [ownerId],
    };
    const count = async (asOf?: string) =>
      (await api.ok(FUNNEL, { input: { ...march, ...(asOf ? { asOf } : {}) } }, Role.ANALYST)).funnel.steps.map(
        (s: any) => [s.stage, s.count],
      );
    expect(await count('2011-03-20T00:00:00.000Z')).toEqual([
      ['LEAD', 0],
      ['MQL', 0],
      ['SAL', 0],
      ['SQL', 0],
      ['OPPORTUNITY', 0],
      ['CUSTOMER', 1],
    ]);
    expect((await count()).at(-1)).toEqual(['CUSTOMER', 0]);
  });
});
