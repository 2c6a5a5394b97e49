import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { openTestDataSource } from '../../support/db';

/** The cumulative array of counts per whole-day lag, trailing repeats trimmed (what funnel_cum defines). */
function cum(lags: number[], counts: number[]): number[] {
  const n = Math.max(0, ...lags) + 1;
  const r = new Array<number>(n).fill(0);
  lags.forEach((l, j) => (r[l] += counts[j]));
  for (let i = 1; i < n; i++) r[i] += r[i - 1];
  return trim(r);
}

/** Elementwise sum, the shorter array continuing with its last value (0 when empty), trailing repeats trimmed. */
function cumSum(x: number[], y: number[]): number[] {
  const n = Math.max(x.length, y.length, 1);
  const at = (a: number[], i: number) => (a.length ? a[Math.min(i, a.length - 1)] : 0);
  return trim(Array.from({ length: n }, (_, i) => at(x, i) + at(y, i)));
}

const trim = (r: number[]) => {
  let keep = 1;
  for (let i = 1; i < r.length; i++) if (r[i] !== r[i - 1]) keep = i + 1;
  return r.slice(0, keep);
};

/**
 * funnel_cum and funnel_cum_sum (migration FunnelCumLoops, which rewrote the loops of migration FunnelRollup) against
 * their definitions in plain TypeScript, on random lags and signed counts (the incremental path folds deltas, so
 * counts can be negative and sums can fall back to zero).
 */
describe('funnel_cum and funnel_cum_sum', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await openTestDataSource(2);
  });
  afterAll(() => ds.destroy());

  const lagsAndCounts = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: -5, max: 9 })), { maxLength: 12 })
    .map((pairs) => ({ lags: pairs.map((p) => p[0]), counts: pairs.map((p) => p[1]) }));
  const cumulative = fc.array(fc.integer({ min: -20, max: 40 }), { maxLength: 10 });

  it('give what their definitions give, in one statement over 300 random inputs each', async () => {
    const cases = fc.sample(fc.tuple(lagsAndCounts, cumulative, cumulative), { seed: 7, numRuns: 300 });
    const got = (await ds.query(
      `SELECT funnel_cum(l.v::int[], c.v::int[]) AS cum, funnel_cum_sum(x.v::int[], y.v::int[]) AS sum
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY e(c0, i)
       CROSS JOIN LATERAL (SELECT ARRAY(SELECT jsonb_array_elements_text(e.c0->0))) l(v)
       CROSS JOIN LATERAL (SELECT ARRAY(SELECT jsonb_array_elements_text(e.c0->1))) c(v)
       CROSS JOIN LATERAL (SELECT ARRAY(SELECT jsonb_array_elements_text(e.c0->2))) x(v)
       CROSS JOIN LATERAL (SELECT ARRAY(SELECT jsonb_array_elements_text(e.c0->3))) y(v)
       ORDER BY e.i`,
      [JSON.stringify(cases.map(([lc, x, y]) => [lc.lags, lc.counts, x, y]))],
    )) as { cum: number[]; sum: number[] }[];
    expect(got.map((r) => r.cum)).toEqual(cases.map(([lc]) => cum(lc.lags, lc.counts)));
    expect(got.map((r) => r.sum)).toEqual(cases.map(([, x, y]) => cumSum(x, y)));
  });

  it('keep their edge cases: no lags is {0}, a NULL array counts as empty', async () => {
    const [r] = await ds.query(
      `SELECT funnel_cum('{}', '{}') AS a, funnel_cum_sum(NULL, '{3,5}') AS b, funnel_cum_sum('{}', '{}') AS c,
              funnel_cum_sum('{1,2}', '{4}') AS d, funnel_cum('{2,2,0}', '{1,-1,3}') AS e`,
    );
    expect(r).toEqual({ a: [0], b: [3, 5], c: [0], d: [5, 6], e: [3] });
  });
});
