import fc from 'fast-check';
import {
  collapse,
  countsFromRows,
  markovConversionProbability,
  markovShares,
  markovSharesFromCounts,
} from '../markov.calc';
import { shapleyCredit } from '../shapley.calc';

const rounded = (m: Map<string, number>, digits = 6) =>
  Object.fromEntries([...m].map(([k, v]) => [k, Number(v.toFixed(digits))]));

describe('markov.calc (removal effect)', () => {
  it('the classic check: A→B converts, A does not, B→C does not, C converts', () => {
    const journeys = [
      { path: ['A', 'B'], conversions: 1, nulls: 0 },
      { path: ['A'], conversions: 0, nulls: 1 },
      { path: ['B', 'C'], conversions: 0, nulls: 1 },
      { path: ['C'], conversions: 1, nulls: 0 },
    ];
    expect(markovConversionProbability(journeys)).toBeCloseTo(0.5, 12);
    expect(rounded(markovShares(journeys))).toEqual({ A: 0.230769, B: 0.461538, C: 0.307692 });
  });

  it('worked example 2: C2→C1→C3→C4→C3, C3, C2→C1 convert; C4 does not', () => {
    const journeys = [
      { path: ['C2', 'C1', 'C3', 'C4', 'C3'], conversions: 1, nulls: 0 },
      { path: ['C3'], conversions: 1, nulls: 0 },
      { path: ['C2', 'C1'], conversions: 1, nulls: 0 },
      { path: ['C4'], conversions: 0, nulls: 1 },
    ];
    expect(rounded(markovShares(journeys))).toEqual({ C1: 0.287234, C2: 0.287234, C3: 0.319149, C4: 0.106383 });
  });

  it("the rollup’s rows of worked example 2 ('' = START, CONVERSION or NULL), in any order, give bit-identical shares", () => {
    const rows = [
      { conv: true, s1: '', s2: 'C2', n: 2 },
      { conv: true, s1: 'C2', s2: 'C1', n: 2 },
      { conv: true, s1: 'C1', s2: 'C3', n: 1 },
      { conv: true, s1: 'C3', s2: 'C4', n: 1 },
      { conv: true, s1: 'C4', s2: 'C3', n: 1 },
      { conv: true, s1: 'C3', s2: '', n: 2 },
      { conv: true, s1: '', s2: 'C3', n: 1 },
      { conv: true, s1: 'C1', s2: '', n: 1 },
      { conv: false, s1: '', s2: 'C4', n: 1 },
      { conv: false, s1: 'C4', s2: '', n: 1 },
    ];
    const journeys = [
      { path: ['C2', 'C1', 'C3', 'C4', 'C3'], conversions: 1, nulls: 0 },
      { path: ['C3'], conversions: 1, nulls: 0 },
      { path: ['C2', 'C1'], conversions: 1, nulls: 0 },
      { path: ['C4'], conversions: 0, nulls: 1 },
    ];
    const shares = Object.fromEntries(markovShares(journeys));
    expect(Object.fromEntries(markovSharesFromCounts(countsFromRows(rows)))).toEqual(shares);
    expect(Object.fromEntries(markovSharesFromCounts(countsFromRows([...rows].reverse())))).toEqual(shares);
  });

  it('nothing converts → no credit; one state → all of it; repeats collapse', () => {
    expect(markovShares([{ path: ['A', 'B'], conversions: 0, nulls: 3 }]).size).toBe(0);
    expect(rounded(markovShares([{ path: ['A', 'A', 'A'], conversions: 2, nulls: 5 }]))).toEqual({ A: 1 });
    expect(collapse(['C3', 'C3', 'C1', 'C3'])).toEqual(['C3', 'C1', 'C3']);
  });

  const arbJourneys = fc.array(
    fc.record({
      path: fc.array(fc.constantFrom('A', 'B', 'C', 'D', 'E'), { minLength: 1, maxLength: 6 }),
      conversions: fc.integer({ min: 0, max: 3 }),
      nulls: fc.integer({ min: 0, max: 3 }),
    }),
    { minLength: 1, maxLength: 12 },
  );

  it('shares sum to 1 whenever anything converts (property)', () => {
    fc.assert(
      fc.property(arbJourneys, (journeys) => {
        const shares = markovShares(journeys);
        if (!journeys.some((j) => j.conversions > 0)) return shares.size === 0;
        return Math.abs([...shares.values()].reduce((a, b) => a + b, 0) - 1) < 1e-9;
      }),
      { seed: 7171, numRuns: 300 },
    );
  });

  it('a state from which no conversion can be reached in the chain gets 0 (property)', () => {
    // Z is only ever the last touch of non-converting journeys: its only way out is NULL
    fc.assert(
      fc.property(
        arbJourneys,
        fc.array(fc.array(fc.constantFrom('A', 'B', 'C'), { maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        (journeys, dead) => {
          const all = [
            ...journeys.map((j) => ({ ...j, path: j.path })),
            ...dead.map((p) => ({ path: [...p, 'Z'], conversions: 0, nulls: 1 })),
          ];
          const shares = markovShares(all);
          return !shares.has('Z') || shares.get('Z') === 0;
        },
      ),
      { seed: 8181, numRuns: 300 },
    );
  });
});

describe('shapley.calc', () => {
  it('worked example 2: each converting journey is split equally among its distinct states', () => {
    const credit = shapleyCredit([
      { path: ['C2', 'C1', 'C3', 'C4', 'C3'], deals: 1, revenue: 10000 },
      { path: ['C3'], deals: 1, revenue: 4000 },
      { path: ['C2', 'C1'], deals: 1, revenue: 6000 },
    ]);
    expect(Object.fromEntries(credit)).toEqual({
      C1: { revenue: 5500, deals: 0.75 },
      C2: { revenue: 5500, deals: 0.75 },
      C3: { revenue: 6500, deals: 1.25 },
      C4: { revenue: 2500, deals: 0.25 },
    });
  });
});
