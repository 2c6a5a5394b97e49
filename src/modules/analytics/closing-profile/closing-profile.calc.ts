import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/**
 * The statistics of the closing profile (definitions.md §10), pure: the Wilson score interval of a rate, the odds
 * ratio with Haldane–Anscombe's correction and its log-normal interval, Fisher's exact two-sided p (log-space
 * hypergeometric, no overflow at hundreds of thousands of units), Benjamini–Hochberg q values. The counting is SQL's.
 */

/** The two-sided normal quantile of a confidence in (0, 1): Φ⁻¹(1 − (1 − confidence)/2). */
export const zOf = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2, 0, 1);

/** Wilson score interval of s successes in n at quantile z (n > 0). */
export function wilson(s: number, n: number, z: number): [number, number] {
  const p = s / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // at 0 and n the interval touches the bound exactly (not 1e−17 off it)
  return [s === 0 ? 0 : centre - half, s === n ? 1 : centre + half];
}

/**
 * Odds ratio of the table [[s, f], [s2, f2]] (this value vs the rest) with its interval at z: when a cell is 0, 0.5 is
 * added to all four (Haldane–Anscombe), for the ratio and the interval alike.
 */
export function oddsRatio(s: number, f: number, s2: number, f2: number, z: number): [number, number, number] {
  const c = s === 0 || f === 0 || s2 === 0 || f2 === 0 ? 0.5 : 0;
  const [a, b, cc, d] = [s + c, f + c, s2 + c, f2 + c];
  const or = (a * d) / (b * cc);
  const ln = Math.log(or);
  const se = Math.sqrt(1 / a + 1 / b + 1 / cc + 1 / d);
  return [or, Math.exp(ln - z * se), Math.exp(ln + z * se)];
}

/** Relative tolerance of "as probable as the observed table" (definitions.md §10, scipy's fisher_exact). */
const LN_TIE = Math.log1p(1e-7);
/** A term this small beside a sum no longer changes it. */
const NEGLIGIBLE = 1e-17;

/**
 * Fisher's exact test, two-sided, of [[a, b], [c, d]]: the sum of the probabilities of every table with the same
 * margins that is at most as probable as the observed one (× 1 + 1e−7), capped at 1. Hypergeometric probabilities
 * only as ratios of neighbours, P(x+1)/P(x), in log space where they are multiplied over a distance: no factorial,
 * no overflow or underflow, and no loss of digits at hundreds of thousands of units. p = (the tables at most as
 * probable, relative to the observed) · P(obs)/P(mode) ÷ (every table, relative to the mode); each sum walks outwards
 * only while its terms matter (they fall geometrically past the mode).
 */
export function fisherTwoSided(a: number, b: number, c: number, d: number): number {
  const N = a + b + c + d;
  const K = a + c; // successes
  const n = a + b; // the row drawn
  const lo = Math.max(0, n + K - N);
  const hi = Math.min(n, K);
  if (lo === hi) return 1;
  /** ln P(x + step)/P(x). */
  const lnStep = (x: number, step: 1 | -1) =>
    step === 1
      ? Math.log(((K - x) * (n - x)) / ((x + 1) * (N - K - n + x + 1)))
      : Math.log((x * (N - K - n + x)) / ((K - x + 1) * (n - x + 1)));
  /** Σ P(x)/P(from) for x from `from` outwards to `end` while the terms matter. */
  const outwards = (from: number, step: 1 | -1, end: number): number => {
    let [x, r, sum] = [from, 1, 0];
    for (;;) {
      sum += r;
      if (x === end || r < NEGLIGIBLE * sum) return sum;
      r *= Math.exp(lnStep(x, step));
      x += step;
    }
  };
  const mode = Math.min(hi, Math.max(lo, Math.floor(((n + 1) * (K + 1)) / (N + 2))));
  // ln P(obs)/P(mode), over the tables between them
  const toObs: 1 | -1 = a >= mode ? 1 : -1;
  let lnObs = 0;
  for (let x = mode; x !== a; x += toObs) lnObs += lnStep(x, toObs);
  // every table relative to the mode (the mode counted once)
  const all = outwards(mode, 1, hi) + outwards(mode, -1, lo) - 1;
  /** The tables past the mode towards `end` at most as probable as the observed, relative to it. */
  const side = (step: 1 | -1, end: number): number => {
    let [x, lnRel] = [mode, 0];
    do {
      if (x === end) return 0;
      lnRel += lnStep(x, step);
      x += step;
    } while (lnRel - lnObs > LN_TIE);
    return Math.exp(lnRel - lnObs) * outwards(x, step, end);
  };
  const tables = side(1, hi) + side(-1, lo) + (-lnObs <= LN_TIE ? Math.exp(-lnObs) : 0);
  return Math.min(1, (tables * Math.exp(lnObs)) / all);
}

/** Benjamini–Hochberg q values, in the order of `p`: q_i = min over j ≥ i (by ascending p) of m·p_j/j, capped at 1. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const q = new Array<number>(m);
  let min = 1;
  for (let k = m - 1; k >= 0; k--) {
    min = Math.min(min, (m * order[k][0]) / (k + 1));
    q[order[k][1]] = min;
  }
  return q;
}
