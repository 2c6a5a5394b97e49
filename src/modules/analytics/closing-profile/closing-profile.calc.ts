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

/** Below this, a running product of ratios is folded into its logarithm (far above the smallest double). */
const FOLD = 1e-280;
/** Past this many tables between two of them, ln P(x)/P(y) comes from lnFactorialRatio instead of a walk. */
const WALK = 64;

/** Stirling's series of ln Γ(z) − ((z − ½) ln z − z + ½ ln 2π), for z ≥ 8 (error below 1e-16). */
const stirlingTail = (z: number) => {
  const r = 1 / (z * z);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680)))) / z;
};

/**
 * ln(m! / k!) for integers m ≥ k ≥ 0, accurate to a few ulps of the result times (m − k): small k by direct sums,
 * otherwise Stirling's series written as differences, (k + ½)·log1p((m − k)/(k + 1)) + (m − k)·(ln(m + 1) − 1) + …,
 * so no two large logarithms are subtracted.
 */
export function lnFactorialRatio(m: number, k: number): number {
  if (m === k) return 0;
  if (m - k <= WALK) {
    let s = 0;
    for (let i = k + 1; i <= m; i++) s += Math.log(i);
    return s;
  }
  // a small k: from 7 (its factorial's logarithm exactly), then as below
  if (k < 7) return lnFactorialRatio(7, k) + lnFactorialRatio(m, 7);
  const [zm, zk] = [m + 1, k + 1];
  const d = m - k;
  return (k + 0.5) * Math.log1p(d / zk) + d * (Math.log(zm) - 1) + stirlingTail(zm) - stirlingTail(zk);
}

/**
 * Fisher's exact test, two-sided, of [[a, b], [c, d]]: the sum of the probabilities of every table with the same
 * margins that is at most as probable as the observed one (× 1 + 1e−7), capped at 1. Probabilities relative to the
 * most probable table (the mode): ln P(x)/P(y) as differences of log-factorials between near neighbours
 * (lnFactorialRatio), or, within a few dozen tables, as products of neighbour ratios P(x+1)/P(x) — no factorial, no
 * overflow or underflow, no loss of digits at hundreds of thousands of units. The first table at most as probable as
 * the observed on each side of the mode is found by bisection (P falls monotonically away from the mode), and only
 * the sums walk table by table, outwards while their terms matter (they fall geometrically). p = (the tables at most
 * as probable, relative to the observed) · P(obs)/P(mode) ÷ (every table, relative to the mode).
 */
export function fisherTwoSided(a: number, b: number, c: number, d: number): number {
  const N = a + b + c + d;
  const K = a + c; // successes
  const n = a + b; // the row drawn
  const M = N - K - n;
  const lo = Math.max(0, n + K - N);
  const hi = Math.min(n, K);
  if (lo === hi) return 1;
  // plain loops and variables below (no closures over a direction, no destructuring): they run thousands of times
  /** P(x + 1)/P(x) and P(x − 1)/P(x). */
  const up = (x: number) => ((K - x) * (n - x)) / ((x + 1) * (M + x + 1));
  const down = (x: number) => (x * (M + x)) / ((K - x + 1) * (n - x + 1));
  /** Σ P(y)/P(x) for y from x outwards (towards `end`) while the terms matter. */
  const outwards = (x: number, step: 1 | -1, end: number): number => {
    let r = 1;
    let sum = 1;
    while (x !== end) {
      r *= step === 1 ? up(x) : down(x);
      x += step;
      sum += r;
      if (r < NEGLIGIBLE * sum) break;
    }
    return sum;
  };
  const mode = Math.min(hi, Math.max(lo, Math.floor(((n + 1) * (K + 1)) / (N + 2))));
  /** ln P(x)/P(mode). */
  const lnRel = (x: number): number => {
    if (Math.abs(x - mode) <= WALK) {
      let l = 0;
      let p = 1;
      for (let y = mode; y !== x; y += x > mode ? 1 : -1) {
        p *= x > mode ? up(y) : down(y);
        if (p < FOLD) {
          l += Math.log(p);
          p = 1;
        }
      }
      return l + Math.log(p);
    }
    // P(x) ∝ 1 / (x! (K − x)! (n − x)! (M + x)!)
    const f = (u: number, v: number) => (u >= v ? lnFactorialRatio(u, v) : -lnFactorialRatio(v, u));
    return -(f(x, mode) + f(K - x, K - mode) + f(n - x, n - mode) + f(M + x, M + mode));
  };
  const lnObs = lnRel(a);
  /** P(x)/P(mode) at most this: the table is at most as probable as the observed (× 1 + 1e−7). */
  const thr = Math.exp(lnObs + LN_TIE);
  /**
   * The tables past `from` towards `end` at most as probable as the observed, relative to the mode, when the first of
   * them lies past where the walk from the mode stopped: found by bisection (P falls monotonically past the mode).
   */
  const beyond = (from: number, step: 1 | -1, end: number): number => {
    const below = (x: number) => lnRel(x) - lnObs <= LN_TIE;
    if (!below(end)) return 0;
    let near = from;
    let far = end;
    while (near !== far) {
      const mid = near + step * Math.floor(Math.abs(far - near) / 2);
      if (below(mid)) far = mid;
      else near = mid + step;
    }
    return Math.exp(lnRel(far)) * outwards(far, step, end);
  };
  // one walk each way from the mode sums every table (relative to the mode) and those at most as probable as the
  // observed, until the terms no longer matter to either sum
  let all = 1;
  let tables = thr >= 1 ? 1 : 0;
  for (const step of [1, -1] as const) {
    const end = step === 1 ? hi : lo;
    let x = mode;
    let r = 1;
    let counted = false;
    while (x !== end) {
      r *= step === 1 ? up(x) : down(x);
      x += step;
      all += r;
      if (r <= thr) {
        tables += r;
        counted = true;
      }
      if (r < NEGLIGIBLE * (counted ? tables : all)) break;
    }
    if (!counted && x !== end) tables += beyond(x + step, step, end);
  }
  return Math.min(1, tables / all);
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
