/**
 * First-order Markov removal-effect attribution (definitions.md section 6; ChannelAttribution, Anderl et al. 2016).
 * Pure: journeys in, shares out.
 */
export interface Journey {
  /** States in order (consecutive repeats are collapsed here too). */
  path: string[];
  /** Journeys with this path that ended in a conversion / in NULL. */
  conversions: number;
  nulls: number;
}

const START = '\u0000start';
const CONVERSION = '\u0000conversion';
const NULL = '\u0000null';
const MAX_SWEEPS = 100_000;
const TOLERANCE = 1e-15;

/** Consecutive repeats of one state collapse into one (C3, C3, C1 → C3, C1). */
export const collapse = (path: string[]): string[] => path.filter((s, i) => i === 0 || s !== path[i - 1]);

/** Transition counts, state → next state → count, with the START, CONVERSION and NULL markers below as states. */
export type TransitionCounts = Map<string, Map<string, number>>;

/** Adds n transitions from → to (n ≤ 0 adds nothing). */
function addTransition(counts: TransitionCounts, from: string, to: string, n: number): void {
  if (n <= 0) return;
  const out = counts.get(from) ?? new Map<string, number>();
  out.set(to, (out.get(to) ?? 0) + n);
  counts.set(from, out);
}

/** The journeys' transition counts: START → first state, state → next, last → CONVERSION or NULL. */
export function transitionCounts(journeys: Journey[]): TransitionCounts {
  const counts: TransitionCounts = new Map();
  for (const j of journeys) {
    const path = collapse(j.path);
    if (!path.length) continue;
    const n = j.conversions + j.nulls;
    addTransition(counts, START, path[0], n);
    for (let i = 1; i < path.length; i++) addTransition(counts, path[i - 1], path[i], n);
    addTransition(counts, path[path.length - 1], CONVERSION, j.conversions);
    addTransition(counts, path[path.length - 1], NULL, j.nulls);
  }
  return counts;
}

/**
 * Counts as the rollup stores them: '' stands for START as s1, for CONVERSION as s2 of a converting row and for NULL as
 * s2 of a non-converting one.
 */
export function countsFromRows(rows: { conv: boolean; s1: string; s2: string; n: number }[]): TransitionCounts {
  const counts: TransitionCounts = new Map();
  for (const r of rows)
    addTransition(counts, r.s1 === '' ? START : r.s1, r.s2 !== '' ? r.s2 : r.conv ? CONVERSION : NULL, r.n);
  return counts;
}

const byKey = <V>(m: Map<string, V>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Transition probabilities: each state's outgoing counts divided by their sum, in key order at both levels, so equal
 * counts give bit-identical results however they were gathered (the sweeps add in this order).
 */
function probabilities(counts: TransitionCounts): Map<string, Map<string, number>> {
  const p = new Map<string, Map<string, number>>();
  for (const [from, out] of byKey(counts)) {
    const total = [...out.values()].reduce((a, b) => a + b, 0);
    p.set(from, new Map(byKey(out).map(([to, n]) => [to, n / total])));
  }
  return p;
}

/**
 * Probability of reaching CONVERSION from START, with `removed` (if any) turned into NULL: Gauss–Seidel sweeps from 0,
 * which rise monotonically to the absorption probabilities, until no value moves by more than 1e-15.
 */
function conversionProbability(p: Map<string, Map<string, number>>, removed: string | null): number {
  const x = new Map<string, number>([
    [CONVERSION, 1],
    [NULL, 0],
  ]);
  if (removed !== null) x.set(removed, 0);
  const transient = [...p.keys()].filter((s) => s !== removed);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let moved = 0;
    for (const s of transient) {
      let v = 0;
      for (const [to, prob] of p.get(s)!) v += prob * (x.get(to) ?? 0);
      moved = Math.max(moved, Math.abs(v - (x.get(s) ?? 0)));
      x.set(s, v);
    }
    if (moved <= TOLERANCE) break;
  }
  return x.get(START) ?? 0;
}

/** Removal-effect shares per state (Σ = 1) of a chain given by its transition counts, or an empty map when nothing converts. */
export function markovSharesFromCounts(counts: TransitionCounts): Map<string, number> {
  const p = probabilities(counts);
  const base = conversionProbability(p, null);
  const shares = new Map<string, number>();
  if (base <= 0) return shares;
  const effects = [...p.keys()]
    .filter((s) => s !== START)
    .sort()
    .map((s) => [s, Math.max(0, 1 - conversionProbability(p, s) / base)] as const);
  const total = effects.reduce((a, [, e]) => a + e, 0);
  for (const [s, e] of effects) shares.set(s, total > 0 ? e / total : 0);
  return shares;
}

/** Removal-effect shares per state of the journeys (Σ = 1), or an empty map when nothing converts. */
export const markovShares = (journeys: Journey[]): Map<string, number> =>
  markovSharesFromCounts(transitionCounts(journeys));

/** P(conversion) of the journeys' chain (exposed for tests and diagnostics). */
export const markovConversionProbability = (journeys: Journey[]): number =>
  conversionProbability(probabilities(transitionCounts(journeys)), null);
