/**
 * A plain in-memory reading of definitions.md section 6 for the rule-based models: one deal's eligible touches (in
 * order: occurredAt, then externalId) → each touch's share. Times are epoch milliseconds.
 */
export interface EvalTouch {
  at: number;
  externalId: string;
}
export interface EvalDeal {
  createdAt: number;
  closedAt: number;
  leadCreatedAt: number;
}

const POSITIONS: Record<string, { ft: number; lc: number; oc: number; cw: number; mid: number }> = {
  FIRST_TOUCH: { ft: 1, lc: 0, oc: 0, cw: 0, mid: 0 },
  LAST_TOUCH: { ft: 0, lc: 0, oc: 0, cw: 1, mid: 0 },
  U_SHAPED: { ft: 0.4, lc: 0.4, oc: 0, cw: 0, mid: 0.2 },
  W_SHAPED: { ft: 0.3, lc: 0.3, oc: 0.3, cw: 0, mid: 0.1 },
  FULL_PATH: { ft: 0.225, lc: 0.225, oc: 0.225, cw: 0.225, mid: 0.1 },
};

export function ruleBasedShares(model: string, touches: EvalTouch[], d: EvalDeal, halfLifeDays = 7): number[] {
  const n = touches.length;
  if (!n) return [];
  const sorted = touches
    .map((t, i) => ({ ...t, i }))
    .sort((a, b) => a.at - b.at || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  const out = new Array<number>(n).fill(0);
  if (model === 'LINEAR') return out.map(() => 1 / n);
  if (model === 'TIME_DECAY') {
    const w = touches.map((t) => 2 ** (-(d.closedAt - t.at) / (halfLifeDays * 86_400_000)));
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / total);
  }
  const s = POSITIONS[model];
  const lastAtOrBefore = (limit: number) => {
    let k = -1;
    sorted.forEach((t, j) => {
      if (t.at <= limit) k = j;
    });
    return k;
  };
  const ft = 0;
  const cw = n - 1;
  const lc = lastAtOrBefore(d.leadCreatedAt) >= 0 ? lastAtOrBefore(d.leadCreatedAt) : ft;
  const oc = lastAtOrBefore(d.createdAt); // -1: no OC
  const given: { pos: number; share: number }[] = [
    { pos: ft, share: s.ft },
    { pos: lc, share: s.lc },
    { pos: oc, share: s.oc },
    { pos: cw, share: s.cw },
  ].filter((g) => g.pos >= 0 && g.share > 0);
  const held = new Set(given.map((g) => g.pos));
  const middle = sorted.map((_, j) => j).filter((j) => !held.has(j));
  const raw = new Array<number>(n).fill(0);
  for (const g of given) raw[g.pos] += g.share;
  if (middle.length && s.mid > 0) for (const j of middle) raw[j] += s.mid / middle.length;
  const total = raw.reduce((a, b) => a + b, 0);
  sorted.forEach((t, j) => (out[t.i] = raw[j] / total));
  return out;
}
