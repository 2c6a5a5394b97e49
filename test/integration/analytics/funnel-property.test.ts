import fc from 'fast-check';
import { Role } from '../../../src/common/graphql/enums';
import { BulkOut, RECORD_DEAL_CHANGES, RECORD_LEAD_EVENTS, UPSERT_DEALS, UPSERT_LEADS, UPSERT_USERS } from '../../support/ops';
import { evaluateFunnel, LADDER, mean, median, MemLead, MemQuery, Stage } from '../../support/funnel-evaluator';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1, 12);
const t = (d: number) => T0 + d * DAY; // whole days at 12:00, so same-instant ties happen often
const FUNNEL = `query($input: FunnelInput!) { funnel(input: $input) { isComplete steps { stage count inferredCount daysFromPrevious { count mean median } } groups { key steps { count } } } }`;
const SOURCES = ['EMAIL', 'WEBINAR', null];

const arbLead: fc.Arbitrary<MemLead> = fc.record({
  createdAt: fc.integer({ min: 0, max: 90 }).map(t),
  events: fc.array(fc.record({ event: fc.constantFrom('MQL', 'SAL', 'SQL', 'REJECTED', 'RECYCLED', 'DISQUALIFIED'), at: fc.integer({ min: 0, max: 120 }).map(t) }), { maxLength: 5 }),
  deals: fc.array(fc.record({
    createdAt: fc.integer({ min: 10, max: 110 }).map(t),
    changes: fc.array(fc.record({ stage: fc.constantFrom('DISCOVERY', 'PROPOSAL', 'NEGOTIATION', 'WON', 'LOST'), at: fc.integer({ min: 0, max: 40 }) }), { maxLength: 4 }),
  }), { maxLength: 2 }),
}).map((l) => ({
  ...l,
  // the API keeps one event per (event, instant) and refuses changes before a deal's creation
  events: l.events.filter((e, i, a) => a.findIndex((x) => x.event === e.event && x.at === e.at) === i),
  deals: l.deals.map((d) => ({
    createdAt: d.createdAt,
    changes: d.changes.map((c) => ({ stage: c.stage, at: d.createdAt + c.at * DAY }))
      .filter((c, i, a) => a.findIndex((x) => x.stage === c.stage && x.at === c.at) === i),
  })),
}));

const arbQuery: fc.Arbitrary<MemQuery> = fc.record({
  basis: fc.constantFrom('COHORT' as const, 'FLOW' as const),
  policy: fc.constantFrom('INFER' as const, 'STRICT' as const),
  steps: fc.subarray([...LADDER], { minLength: 1 }) as fc.Arbitrary<Stage[]>,
  from: fc.integer({ min: -5, max: 60 }).map(t),
  span: fc.integer({ min: 1, max: 90 }),
  asOf: fc.integer({ min: 30, max: 200 }).map((d) => t(d) + DAY / 2),
  windowMs: fc.option(fc.integer({ min: 1, max: 60 }).map((d) => d * DAY), { nil: null }),
}).map(({ span, ...q }) => ({ ...q, to: q.from + span * DAY }));

/** definitions.md §4 against a plain evaluator, on random histories (backdated, same-instant, recycled, rejected, reopened). */
describe('Query.funnel agrees with an in-memory evaluator (property, fixed seed)', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());

  it('COHORT and FLOW, INFER and STRICT, windows and asOf', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbLead, { minLength: 1, maxLength: 6 }), fc.array(arbQuery, { minLength: 3, maxLength: 3 }), async (leads, queries) => {
        const p = unique('prop');
        const owner = `${p}@owner.example`;
        const ownerId = (await api.ok(UPSERT_USERS, { input: [{ email: owner, role: 'SALES' }] })).upsertUsers.results[0].id;
        const iso = (ms: number) => new Date(ms).toISOString();
        const send = async (doc: string, input: unknown[]) => {
          if (!input.length) return;
          const out = Object.values(await api.ok<Record<string, BulkOut>>(doc, { input, allOrNone: true }, Role.SERVICE))[0];
          expect(out.errorCount).toBe(0);
        };
        await send(UPSERT_LEADS, leads.map((l, i) => ({ externalId: `${p}-L${i}`, createdAt: iso(l.createdAt), ownerEmail: owner, source: SOURCES[i % 3] })));
        await send(RECORD_LEAD_EVENTS, leads.flatMap((l, i) => l.events.map((e) => ({ leadExternalId: `${p}-L${i}`, event: e.event, occurredAt: iso(e.at) }))).reverse());
        await send(UPSERT_DEALS, leads.flatMap((l, i) => l.deals.map((d, j) => ({ externalId: `${p}-D${i}-${j}`, name: 'd', amount: 1, leadExternalIds: [`${p}-L${i}`], createdAt: iso(d.createdAt) }))));
        await send(RECORD_DEAL_CHANGES, leads.flatMap((l, i) => l.deals.flatMap((d, j) => d.changes.map((c) => ({ dealExternalId: `${p}-D${i}-${j}`, stage: c.stage, occurredAt: iso(c.at) })))));
        for (const q of queries) {
          const expected = evaluateFunnel(leads, q);
          const input = {
            basis: q.basis, skippedStages: q.policy, steps: q.steps, from: iso(q.from), to: iso(q.to), asOf: iso(q.asOf),
            conversionWindowDays: q.windowMs === null ? null : q.windowMs / DAY, ownerIds: [ownerId], breakdown: 'CHANNEL',
          };
          const got = (await api.ok(FUNNEL, { input }, Role.ANALYST)).funnel;
          const r = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
          expect(got.steps.map((s: any) => [s.stage, s.count, s.inferredCount, s.daysFromPrevious && [s.daysFromPrevious.count, r(s.daysFromPrevious.mean), r(s.daysFromPrevious.median)]]))
            .toEqual(q.steps.map((s, k) => [s, expected[k].count, expected[k].inferred, k === 0 ? null : [expected[k].days.length, r(mean(expected[k].days)), r(median(expected[k].days))]]));
          // groups sum to the total at every step; cohort counts never rise along the steps
          got.steps.forEach((st: any, k: number) => expect(got.groups.reduce((n: number, g: any) => n + g.steps[k].count, 0)).toBe(st.count));
          if (q.basis === 'COHORT') got.steps.forEach((st: any, k: number) => k > 0 && expect(st.count).toBeLessThanOrEqual(got.steps[k - 1].count));
        }
      }),
      { seed: 424242, numRuns: 25 },
    );
  });
});
