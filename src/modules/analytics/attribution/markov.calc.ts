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

/** Transition probabilities from the journeys' transition counts: START → first state, state → next, last → CONVERSION or NULL. */
function transitions(journeys: Journey[]): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  const add = (from: string, to: string, n: number) => {
    if (n <= 0) return;
    const out = counts.get(from) ?? new Map<string, number>();
    out.set(to, (out.get(to) ?? 0) + n);
    counts.set(from, out);
  };
  for (const j of journeys) {
    const path = collapse(j.path);
    if (!path.length) continue;
    const n = j.conversions + j.nulls;
    add(START, path[0], n);
    for (let i = 1; i < path.length; i++) add(path[i - 1], path[i], n);
    add(path[path.length - 1], CONVERSION, j.conversions);
    add(path[path.length - 1], NULL, j.nulls);
  }
  for (const out of counts.values()) {
    const total = [...out.values()].reduce((a, b) => a + b, 0);
    for (const [to, n] of out) out.set(to, n / total);
  }
  return counts;
}

/**
 * Probability of reaching CONVERSION from START, with `removed` (if any) turned into NULL: Gauss–Seidel sweeps from 0,
 * which rise monotonically to the absorption probabilities, until no value moves by more than 1e-15.
 */
function conversionProbability(p: Map<string, Map<string, number>>, removed: string | null): number {
  const x = new Map<string, number>([[CONVERSION, 1], [NULL, 0]]);
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

/** Removal-effect shares per state (Σ = 1), or an empty map when nothing converts. */
export function markovShares(journeys: Journey[]): Map<string, number> {
  const p = transitions(journeys);
  const base = conversionProbability(p, null);
  const shares = new Map<string, number>();
  if (base <= 0) return shares;
  const states = [...p.keys()].filter((s) => s !== START);
  for (const j of journeys) for (const s of j.path) if (!states.includes(s)) states.push(s);
  const effects = states.map((s) => [s, Math.max(0, 1 - conversionProbability(p, s) / base)] as const);
  const total = effects.reduce((a, [, e]) => a + e, 0);
  for (const [s, e] of effects) shares.set(s, total > 0 ? e / total : 0);
  return shares;
}

/** P(conversion) of the journeys' chain (exposed for tests and diagnostics). */
export const markovConversionProbability = (journeys: Journey[]): number => conversionProbability(transitions(journeys), null);
