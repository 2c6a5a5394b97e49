import fc from 'fast-check';
import { Role } from '../../../src/common/graphql/enums';
import {
  evaluateFunnel,
  evaluatePipelineFunnel,
  LADDER,
  mean,
  median,
  MemQuery,
  MemStep,
  PIPELINE,
  Stage,
} from '../../support/funnel-evaluator';
import { evaluateKpis } from '../../support/kpi-evaluator';
import { arbLead, DAY, iso, loadHistory, r6, t } from '../../support/random-history';
import { startTestApi, TestApi } from '../../support/test-server';

// property runs: seconds alone, but over a minute beside the heaviest files on CI's two cores (the suite's 60 s is for
// single cases)
jest.setTimeout(180_000);

const STEP_FIELDS = `steps { stage count inferredCount daysFromPrevious { count mean median } } groups { key steps { count } }`;
const FUNNEL = `query($input: FunnelInput!) { funnel(input: $input) { isComplete ${STEP_FIELDS} } }`;
const PIPELINE_FUNNEL = `query($input: PipelineFunnelInput!) { pipelineFunnel(input: $input) { isComplete ${STEP_FIELDS} } }`;
const RATIO = `{ numerator denominator value }`;
const STATS = `{ count mean median }`;
const KPIS = `query($input: KpiInput!) { kpis(input: $input) {
  leads mqls sals sqls opportunities pipelineCreated wonDeals lostDeals revenue winRate ${RATIO} winRateByValue ${RATIO}
  salesCycleDays ${STATS} mqlToSqlRate ${RATIO} leadRejectionRate ${RATIO} rejectionReasons { reason count }
  leadResponseHours ${STATS} slaCompliance ${RATIO} newCustomers marketingSourcedRevenue openPipeline weightedPipeline pipelineVelocity } }`;

const arbFrame = fc.record({
  basis: fc.constantFrom('COHORT' as const, 'FLOW' as const),
  policy: fc.constantFrom('INFER' as const, 'STRICT' as const),
  from: fc.integer({ min: -5, max: 60 }).map(t),
  span: fc.integer({ min: 1, max: 90 }),
  asOf: fc.integer({ min: 30, max: 200 }).map((d) => t(d) + DAY / 2),
  windowMs: fc.option(
    fc.integer({ min: 1, max: 60 }).map((d) => d * DAY),
    { nil: null },
  ),
});
const arbQuery = <S extends string>(ladder: readonly S[]): fc.Arbitrary<MemQuery<S>> =>
  fc
    .record({ frame: arbFrame, steps: fc.subarray([...ladder], { minLength: 1 }) })
    .map(({ frame: { span, ...q }, steps }) => ({ ...q, steps, to: q.from + span * DAY }));

const stats = (xs: number[]) => [xs.length, r6(mean(xs)), r6(median(xs))];
const ratio = (n: number, d: number) => ({ numerator: r6(n), denominator: r6(d), value: d === 0 ? null : r6(n / d) });
const cents = (x: number) => Math.round(x * 100) / 100;

/** Steps as the API returns them vs the evaluator, and the two structural laws: groups sum up, cohorts never rise. */
function expectSteps(got: any, q: MemQuery<string>, expected: MemStep[]) {
  expect(
    got.steps.map((s: any) => [
      s.stage,
      s.count,
      s.inferredCount,
      s.daysFromPrevious && [s.daysFromPrevious.count, r6(s.daysFromPrevious.mean), r6(s.daysFromPrevious.median)],
    ]),
  ).toEqual(
    q.steps.map((s, k) => [s, expected[k].count, expected[k].inferred, k === 0 ? null : stats(expected[k].days)]),
  );
  got.steps.forEach((st: any, k: number) =>
    expect(got.groups.reduce((n: number, g: any) => n + g.steps[k].count, 0)).toBe(st.count),
  );
  if (q.basis === 'COHORT')
    got.steps.forEach((st: any, k: number) => k > 0 && expect(st.count).toBeLessThanOrEqual(got.steps[k - 1].count));
}

const frameInput = (q: MemQuery<string>, ownerId: string) => ({
  basis: q.basis,
  skippedStages: q.policy,
  steps: q.steps,
  from: iso(q.from),
  to: iso(q.to),
  asOf: iso(q.asOf),
  conversionWindowDays: q.windowMs === null ? null : q.windowMs / DAY,
  ownerIds: [ownerId],
});

/** definitions.md §4–5 against plain evaluators, on random histories (backdated, same-instant, recycled, rejected, reopened). */
describe('funnel, pipelineFunnel and kpis agree with in-memory evaluators (property, fixed seed)', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());
  const history = fc.array(arbLead, { minLength: 1, maxLength: 6 });

  it('funnel: COHORT and FLOW, INFER and STRICT, windows and asOf', async () => {
    await fc.assert(
      fc.asyncProperty(
        history,
        fc.array(arbQuery<Stage>(LADDER), { minLength: 3, maxLength: 3 }),
        async (leads, queries) => {
          const ownerId = await loadHistory(api, leads);
          for (const q of queries) {
            const got = (
              await api.ok(FUNNEL, { input: { ...frameInput(q, ownerId), breakdown: 'CHANNEL' } }, Role.ANALYST)
            ).funnel;
            expectSteps(got, q, evaluateFunnel(leads, q));
          }
        },
      ),
      { seed: 424242, numRuns: 25 },
    );
  });

  it('pipelineFunnel: deals reach stages by inference, WON only while won as of asOf', async () => {
    await fc.assert(
      fc.asyncProperty(
        history,
        fc.array(arbQuery<string>(PIPELINE), { minLength: 3, maxLength: 3 }),
        async (leads, queries) => {
          const ownerId = await loadHistory(api, leads);
          for (const q of queries) {
            const got = (
              await api.ok(PIPELINE_FUNNEL, { input: { ...frameInput(q, ownerId), breakdown: 'OWNER' } }, Role.ANALYST)
            ).pipelineFunnel;
            expectSteps(
              got,
              q,
              evaluatePipelineFunnel(
                leads.flatMap((l) => l.deals),
                q,
              ),
            );
          }
        },
      ),
      { seed: 515151, numRuns: 20 },
    );
  });

  it('kpis: flow counts, hand-off, win rates, cycle, snapshot pipeline and sourced revenue', async () => {
    const arbKpi = fc
      .record({ frame: arbFrame, slaHours: fc.constantFrom(4, 24, 72) })
      .map(({ frame: { from, span, asOf, windowMs }, slaHours }) => ({
        from,
        to: from + span * DAY,
        asOf,
        windowMs,
        slaHours,
      }));
    await fc.assert(
      fc.asyncProperty(history, fc.array(arbKpi, { minLength: 3, maxLength: 3 }), async (leads, queries) => {
        const ownerId = await loadHistory(api, leads);
        for (const q of queries) {
          const input = {
            from: iso(q.from),
            to: iso(q.to),
            asOf: iso(q.asOf),
            conversionWindowDays: q.windowMs === null ? null : q.windowMs / DAY,
            slaHours: q.slaHours,
            ownerIds: [ownerId],
          };
          const k = (await api.ok(KPIS, { input }, Role.ANALYST)).kpis;
          const e = evaluateKpis(leads, q);
          const r = (x: any) => ({ numerator: r6(x.numerator), denominator: r6(x.denominator), value: r6(x.value) });
          expect({
            counts: [k.leads, k.mqls, k.sals, k.sqls, k.opportunities, k.wonDeals, k.lostDeals, k.newCustomers],
            money: [k.pipelineCreated, k.revenue, k.marketingSourcedRevenue, k.openPipeline].map(cents),
            weighted: r6(k.weightedPipeline),
            winRate: r(k.winRate),
            winRateByValue: r(k.winRateByValue),
            mqlToSqlRate: r(k.mqlToSqlRate),
            leadRejectionRate: r(k.leadRejectionRate),
            slaCompliance: r(k.slaCompliance),
            rejectionReasons: k.rejectionReasons,
            cycle: [k.salesCycleDays.count, r6(k.salesCycleDays.mean), r6(k.salesCycleDays.median)],
            response: [k.leadResponseHours.count, r6(k.leadResponseHours.mean), r6(k.leadResponseHours.median)],
          }).toEqual({
            counts: [e.leads, e.mqls, e.sals, e.sqls, e.opportunities, e.wonDeals, e.lostDeals, e.newCustomers],
            money: [e.pipelineCreated, e.revenue, e.marketingSourcedRevenue, e.openPipeline].map(cents),
            weighted: r6(e.weightedPipeline),
            winRate: ratio(e.winRate[0], e.winRate[1]),
            winRateByValue: ratio(e.winRateByValue[0], e.winRateByValue[1]),
            mqlToSqlRate: ratio(e.mqlToSqlRate[0], e.mqlToSqlRate[1]),
            leadRejectionRate: ratio(e.leadRejectionRate[0], e.leadRejectionRate[1]),
            slaCompliance: ratio(e.slaCompliance[0], e.slaCompliance[1]),
            rejectionReasons: e.rejectionReasons,
            cycle: e.salesCycleDays,
            response: e.leadResponseHours,
          });
        }
      }),
      { seed: 616161, numRuns: 20 },
    );
  });
});
