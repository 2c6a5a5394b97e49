import { Role } from '../../../src/common/graphql/enums';
import { UPSERT_LEADS } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const SET = `mutation($input: [KpiTargetInput!]!) { setKpiTargets(input: $input) { id metric periodStart periodEnd target actual attainment { numerator denominator value } } }`;
const GET = `query($from: DateTimeISO!, $to: DateTimeISO!) { kpiTargets(from: $from, to: $to) { id metric target actual attainment { numerator denominator value } } }`;
// a day in 2019 that no other test writes to, so the actuals are exactly this test's data
const START = '2019-06-01T00:00:00.000Z';
const END = '2019-06-02T00:00:00.000Z';

describe('KPI targets', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await api.ok(
      UPSERT_LEADS,
      { input: [{ externalId: unique('tgt'), createdAt: '2019-06-01T09:00:00Z' }] },
      Role.SERVICE,
    );
  });
  afterAll(() => api.close());

  it('REVOPS sets targets; actual and attainment come from the kpis code; setting again replaces the number', async () => {
    const input = [
      { metric: 'LEADS', periodStart: START, periodEnd: END, target: 4 },
      { metric: 'WIN_RATE', periodStart: START, periodEnd: END, target: 0.3 },
    ];
    const set = (await api.ok(SET, { input }, Role.REVOPS)).setKpiTargets;
    expect(set.map((t: any) => [t.metric, t.target, t.actual, t.attainment])).toEqual([
      ['LEADS', 4, 1, { numerator: 1, denominator: 4, value: 0.25 }],
      ['WIN_RATE', 0.3, null, { numerator: 0, denominator: 0.3, value: 0 }],
    ]);
    const again = (await api.ok(SET, { input: [{ ...input[0], target: 2 }] }, Role.ADMIN)).setKpiTargets;
    expect(again[0]).toMatchObject({ id: set[0].id, target: 2, attainment: { value: 0.5 } });
    const listed = (await api.ok(GET, { from: '2019-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' }, Role.ANALYST))
      .kpiTargets;
    expect(listed.map((t: any) => [t.metric, t.target, t.actual])).toEqual([
      ['LEADS', 2, 1],
      ['WIN_RATE', 0.3, null],
    ]);
  });

  it('is all-or-nothing: one bad target writes none', async () => {
    const r = await api.gql(
      SET,
      {
        input: [
          { metric: 'REVENUE', periodStart: START, periodEnd: END, target: 100 },
          { metric: 'REVENUE', periodStart: END, periodEnd: START, target: 100 },
        ],
      },
      Role.REVOPS,
    );
    expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const listed = (await api.ok(GET, { from: START, to: END }, Role.ANALYST)).kpiTargets;
    expect(listed.some((t: any) => t.metric === 'REVENUE')).toBe(false);
  });
});
