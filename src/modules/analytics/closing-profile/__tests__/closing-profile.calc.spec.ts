import { benjaminiHochberg, fisherTwoSided, lnFactorialRatio, oddsRatio, wilson, zOf } from '../closing-profile.calc';

/** Exact two-sided Fisher p by enumerating every table with BigInt binomials (an independent reading of §10). */
function fisherExact(a: number, b: number, c: number, d: number): number {
  const fact = (k: number): bigint => {
    let r = 1n;
    for (let i = 2n; i <= BigInt(k); i++) r *= i;
    return r;
  };
  const choose = (n: number, k: number) => fact(n) / (fact(k) * fact(n - k));
  const [N, K, n] = [a + b + c + d, a + c, a + b];
  const prob = (x: number) => choose(K, x) * choose(N - K, n - x); // ÷ C(N, n), common to all
  const obs = prob(a);
  let sum = 0n;
  for (let x = Math.max(0, n + K - N); x <= Math.min(n, K); x++) {
    const px = prob(x);
    // px ≤ obs × (1 + 1e-7), in integers
    if (px * 10_000_000n <= obs * 10_000_001n) sum += px;
  }
  return Math.min(1, Number((sum * 10n ** 18n) / choose(N, n)) / 1e18);
}

describe('closing profile statistics (definitions.md §10)', () => {
  it('normal quantiles for any confidence in (0, 1)', () => {
    expect(zOf(0.95)).toBeCloseTo(1.959963984540054, 14);
    expect(zOf(0.99)).toBeCloseTo(2.5758293035489004, 14);
    expect(zOf(0.5)).toBeCloseTo(0.6744897501960817, 14);
    expect(zOf(0.999999)).toBeCloseTo(4.891638475698, 10);
    expect(zOf(1e-9)).toBeCloseTo(1.2533141e-9, 15);
  });

  it('Wilson intervals at the edges (0/10, 10/10) and inside', () => {
    const z = zOf(0.95);
    const [lo0, hi0] = wilson(0, 10, z);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775327998628899, 12);
    const [lo10, hi10] = wilson(10, 10, z);
    expect(lo10).toBeCloseTo(0.7224672001371101, 12);
    expect(hi10).toBe(1);
    // 19 of 26 (worked example 4: [0.5392, 0.8630])
    const [lo, hi] = wilson(19, 26, z);
    expect(lo).toBeCloseTo(0.5392, 4);
    expect(hi).toBeCloseTo(0.863, 4);
  });

  it("Fisher's exact test: the tea-tasting table and tables checked by enumeration", () => {
    expect(fisherTwoSided(3, 1, 1, 3)).toBeCloseTo(0.4857142857, 10);
    expect(fisherTwoSided(1, 9, 11, 3)).toBeCloseTo(0.002759456185220083, 14);
    expect(fisherTwoSided(0, 5, 0, 7)).toBe(1);
    let seed = 7;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    for (let i = 0; i < 300; i++) {
      const t = [rnd(25), rnd(25), rnd(40), rnd(40)] as const;
      const want = fisherExact(...t);
      const got = fisherTwoSided(...t);
      expect([t, Math.abs(got - want) <= 1e-12 + 1e-9 * want]).toEqual([t, true]);
    }
  });

  it('Fisher at hundreds of thousands of units: no overflow, equal to the whole-support sum', () => {
    // the reference: every table of the support, relative to the observed one (neighbour ratios summed in log
    // space from the observed table outwards), p = Σ (those ≤ 1 + 1e−7) / Σ all
    const plain = (a: number, b: number, c: number, d: number) => {
      const [N, K, n] = [a + b + c + d, a + c, a + b];
      let [num, all] = [1, 1];
      for (const step of [1, -1]) {
        let lr = 0;
        for (let x = a; step === 1 ? x < Math.min(n, K) : x > Math.max(0, n + K - N); x += step) {
          lr +=
            step === 1
              ? Math.log(((K - x) * (n - x)) / ((x + 1) * (N - K - n + x + 1)))
              : Math.log((x * (N - K - n + x)) / ((K - x + 1) * (n - x + 1)));
          const r = Math.exp(lr);
          all += r;
          if (r <= 1 + 1e-7) num += r;
        }
      }
      return Math.min(1, num / all);
    };
    for (const t of [
      [30_000, 70_000, 60_500, 139_500],
      [1200, 2800, 59_000, 137_000],
      [5, 0, 80_000, 120_000],
      [150_000, 150_000, 150_000, 150_010],
    ] as [number, number, number, number][]) {
      const got = fisherTwoSided(...t);
      const want = plain(...t);
      expect(Number.isFinite(got)).toBe(true);
      expect([t, got, Math.abs(got - want) <= 1e-300 + 1e-9 * want]).toEqual([t, got, true]);
    }
  });

  it('odds ratios: plain, and Haldane–Anscombe when a cell is 0 (ratio and interval)', () => {
    const z = zOf(0.95);
    const [or, lo, hi] = oddsRatio(19, 7, 23, 41, z);
    expect(or).toBeCloseTo((19 * 41) / (7 * 23), 12);
    const se = Math.sqrt(1 / 19 + 1 / 7 + 1 / 23 + 1 / 41);
    expect(lo).toBeCloseTo(Math.exp(Math.log(or) - z * se), 12);
    expect(hi).toBeCloseTo(Math.exp(Math.log(or) + z * se), 12);
    const [or0, lo0, hi0] = oddsRatio(0, 10, 42, 38, z);
    expect(or0).toBeCloseTo((0.5 * 38.5) / (10.5 * 42.5), 12);
    const se0 = Math.sqrt(1 / 0.5 + 1 / 10.5 + 1 / 42.5 + 1 / 38.5);
    expect(lo0).toBeCloseTo(Math.exp(Math.log(or0) - z * se0), 12);
    expect(hi0).toBeCloseTo(Math.exp(Math.log(or0) + z * se0), 12);
  });

  it('Benjamini–Hochberg with ties (as R p.adjust "BH")', () => {
    const q = benjaminiHochberg([0.02, 0.01, 0.04, 0.02]);
    expect(q[0]).toBeCloseTo(0.08 / 3, 15);
    expect(q[1]).toBeCloseTo(0.08 / 3, 15);
    expect(q[2]).toBeCloseTo(0.04, 15);
    expect(q[3]).toBeCloseTo(0.08 / 3, 15);
    expect(benjaminiHochberg([0.9, 0.8])).toEqual([0.9, 0.9]);
    expect(benjaminiHochberg([1, 1, 1])).toEqual([1, 1, 1]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

describe('lnFactorialRatio', () => {
  it('equals the direct sum of logarithms, near and far, small and large', () => {
    const direct = (m: number, k: number) => {
      let s = 0;
      for (let i = k + 1; i <= m; i++) s += Math.log(i);
      return s;
    };
    for (const [m, k] of [
      [10, 3],
      [100, 0],
      [1000, 7],
      [5000, 4000],
      [200_000, 199_000],
      [437_000, 100_000],
    ]) {
      const want = direct(m, k);
      expect([m, k, Math.abs(lnFactorialRatio(m, k) - want) <= 1e-9 * Math.max(1, Math.abs(want))]).toEqual([
        m,
        k,
        true,
      ]);
    }
    expect(lnFactorialRatio(12, 12)).toBe(0);
  });
});

describe('Fisher where tables lie far from the mode (log-factorial differences and bisection)', () => {
  it('equals exact BigInt enumeration on random tables of a few thousand units', () => {
    let seed = 11;
    const rnd = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    for (let i = 0; i < 25; i++) {
      const t = [rnd(900), rnd(900), rnd(900), rnd(900)] as [number, number, number, number];
      const [N, K, n] = [t[0] + t[1] + t[2] + t[3], t[0] + t[2], t[0] + t[1]];
      const fact: bigint[] = [1n];
      for (let k = 1; k <= N; k++) fact.push(fact[k - 1] * BigInt(k));
      const prob = (x: number) =>
        (fact[K] / (fact[x] * fact[K - x])) * (fact[N - K] / (fact[n - x] * fact[N - K - n + x]));
      const obs = prob(t[0]);
      let sum = 0n;
      for (let x = Math.max(0, n + K - N); x <= Math.min(n, K); x++) {
        const px = prob(x);
        if (px * 10_000_000n <= obs * 10_000_001n) sum += px;
      }
      const total = fact[N] / (fact[n] * fact[N - n]);
      // the ratio in floating point without overflow: scale both by the same power of two
      const shift = BigInt(Math.max(0, total.toString(2).length - 1000));
      const want = Math.min(1, Number(sum >> shift) / Number(total >> shift));
      const got = fisherTwoSided(...t);
      expect([t, Math.abs(got - want) <= 1e-300 + 1e-9 * want]).toEqual([t, true]);
    }
  });
});
