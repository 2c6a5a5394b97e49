import { Role } from '../../../src/common/graphql/enums';
import { RECORD_DEAL_CHANGES, RECORD_LEAD_EVENTS, UPSERT_DEALS, UPSERT_LEADS } from '../../support/ops';
import { bulkLoad } from '../../support/bulk-load';
import { funnelExample1 } from '../../support/funnel-example';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const SERIES = `query($input: KpiSeriesInput!) { kpiSeries(input: $input) { metric periodStart periodEnd value numerator denominator } }`;
const KPIS = `query($input: KpiInput!) { kpis(input: $input) { leads mqls revenue winRate { numerator denominator value } leadRejectionRate { numerator denominator value } } }`;
const AS_OF = '2025-05-01T12:00:00.000Z';

describe('Query.kpiSeries', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    // worked example 1, all leads from ORGANIC_SOCIAL: no other test uses that channel, so the sources filter scopes it
    const e = funnelExample1(unique('series'));
    e.leads.forEach((l) => (l.source = 'ORGANIC_SOCIAL'));
    await bulkLoad(api, [
      [UPSERT_LEADS, e.leads],
      [RECORD_LEAD_EVENTS, e.events],
      [UPSERT_DEALS, e.deals],
      [RECORD_DEAL_CHANGES, e.dealChanges],
    ]);
  });
  afterAll(() => api.close());
  const series = async (input: Record<string, unknown>) => (await api.ok(SERIES, { input }, Role.ANALYST)).kpiSeries;

  it('each bucket equals kpis over that bucket exactly (tidy rows with numerator and denominator)', async () => {
    const metrics = ['LEADS', 'MQLS', 'REVENUE', 'WIN_RATE', 'LEAD_REJECTION_RATE'];
    const points = await series({
      metrics,
      from: '2025-02-01T00:00:00Z',
      to: '2025-05-01T00:00:00Z',
      interval: 'MONTH',
      asOf: AS_OF,
      sources: ['ORGANIC_SOCIAL'],
    });
    expect(points).toHaveLength(15);
    expect(points.filter((p: any) => p.metric === 'LEADS').map((p: any) => [p.periodStart, p.value])).toEqual([
      ['2025-02-01T00:00:00.000Z', 1],
      ['2025-03-01T00:00:00.000Z', 3],
      ['2025-04-01T00:00:00.000Z', 0],
    ]);
    for (const start of ['2025-02-01', '2025-03-01', '2025-04-01']) {
      const bucket = points.filter((p: any) => p.periodStart === `${start}T00:00:00.000Z`);
      const k = (
        await api.ok(
          KPIS,
          { input: { from: bucket[0].periodStart, to: bucket[0].periodEnd, asOf: AS_OF, sources: ['ORGANIC_SOCIAL'] } },
          Role.ANALYST,
        )
      ).kpis;
      const byMetric = Object.fromEntries(bucket.map((p: any) => [p.metric, p]));
      expect(byMetric.LEADS.value).toBe(k.leads);
      expect(byMetric.MQLS.value).toBe(k.mqls);
      expect(byMetric.REVENUE.value).toBe(k.revenue);
      expect([byMetric.WIN_RATE.numerator, byMetric.WIN_RATE.denominator, byMetric.WIN_RATE.value]).toEqual([
        k.winRate.numerator,
        k.winRate.denominator,
        k.winRate.value,
      ]);
      expect(byMetric.LEAD_REJECTION_RATE.numerator).toBe(k.leadRejectionRate.numerator);
    }
    const april = points.filter((p: any) => p.periodStart.startsWith('2025-04'));
    expect(april.find((p: any) => p.metric === 'REVENUE').value).toBe(10000);
    expect(april.find((p: any) => p.metric === 'WIN_RATE')).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
  });

  it('days in Europe/Berlin across the DST changes are 23 and 25 hours long, cut at local midnight', async () => {
    const spring = await series({
      metrics: ['LEADS'],
      from: '2025-03-28T23:00:00Z',
      to: '2025-03-31T22:00:00Z',
      interval: 'DAY',
      timeZone: 'Europe/Berlin',
      asOf: AS_OF,
    });
    expect(spring.map((p: any) => [p.periodStart, p.periodEnd])).toEqual([
      ['2025-03-28T23:00:00.000Z', '2025-03-29T23:00:00.000Z'],
      ['2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z'],
      ['2025-03-30T22:00:00.000Z', '2025-03-31T22:00:00.000Z'],
    ]);
    const autumn = await series({
      metrics: ['LEADS'],
      from: '2025-10-25T22:00:00Z',
      to: '2025-10-27T23:00:00Z',
      interval: 'DAY',
      timeZone: 'Europe/Berlin',
      asOf: AS_OF,
    });
    expect(autumn.map((p: any) => (Date.parse(p.periodEnd) - Date.parse(p.periodStart)) / 3_600_000)).toEqual([25, 24]);
  });

  it('weeks start on the requested weekday in the requested zone; quarters are calendar quarters; ranges are clipped', async () => {
    const weeks = await series({
      metrics: ['LEADS'],
      from: '2025-03-01T00:00:00Z',
      to: '2025-03-20T00:00:00Z',
      interval: 'WEEK',
      weekStart: 'SUNDAY',
      asOf: AS_OF,
    });
    expect(weeks.map((p: any) => p.periodStart)).toEqual([
      '2025-03-01T00:00:00.000Z',
      '2025-03-02T00:00:00.000Z',
      '2025-03-09T00:00:00.000Z',
      '2025-03-16T00:00:00.000Z',
    ]);
    expect(weeks.slice(1).every((p: any) => new Date(p.periodStart).getUTCDay() === 0)).toBe(true);
    expect(weeks[3].periodEnd).toBe('2025-03-20T00:00:00.000Z');
    const ny = await series({
      metrics: ['LEADS'],
      from: '2025-01-01T05:00:00Z',
      to: '2025-07-01T04:00:00Z',
      interval: 'QUARTER',
      timeZone: 'America/New_York',
      asOf: AS_OF,
    });
    expect(ny.map((p: any) => [p.periodStart, p.periodEnd])).toEqual([
      ['2025-01-01T05:00:00.000Z', '2025-04-01T04:00:00.000Z'],
      ['2025-04-01T04:00:00.000Z', '2025-07-01T04:00:00.000Z'],
    ]);
  });

  it('an unknown or hostile time zone is BAD_USER_INPUT', async () => {
    for (const timeZone of ['Mars/Olympus', "UTC'; DROP TABLE leads; --", '']) {
      const r = await api.gql(
        SERIES,
        {
          input: {
            metrics: ['LEADS'],
            from: '2025-01-01T00:00:00Z',
            to: '2025-02-01T00:00:00Z',
            interval: 'DAY',
            timeZone,
          },
        },
        Role.ANALYST,
      );
      expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
