/**
 * A deliberately plain in-memory reading of definitions.md sections 2–4 (lifecycle and pipeline funnels), to check the
 * SQL against. Times are epoch milliseconds.
 */
export const LADDER = ['LEAD', 'MQL', 'SAL', 'SQL', 'OPPORTUNITY', 'CUSTOMER'] as const;
export const PIPELINE = ['QUALIFICATION', 'DISCOVERY', 'PROPOSAL', 'NEGOTIATION', 'WON'] as const;
export type Stage = (typeof LADDER)[number];
const STAGE_RANK: Record<string, number> = {
  QUALIFICATION: 1,
  DISCOVERY: 2,
  PROPOSAL: 3,
  NEGOTIATION: 4,
  WON: 1_000_005,
  LOST: Infinity,
};
export const CATEGORY: Record<string, 'OPEN' | 'WON' | 'LOST'> = {
  QUALIFICATION: 'OPEN',
  DISCOVERY: 'OPEN',
  PROPOSAL: 'OPEN',
  NEGOTIATION: 'OPEN',
  WON: 'WON',
  LOST: 'LOST',
};

export interface MemDeal {
  createdAt: number;
  amount: number;
  changes: { stage: string; at: number }[];
}
export interface MemLead {
  createdAt: number;
  source: string | null;
  events: { event: string; at: number; reason?: string }[];
  deals: MemDeal[];
}
export interface MemQuery<S extends string = Stage> {
  basis: 'COHORT' | 'FLOW';
  policy: 'INFER' | 'STRICT';
  steps: S[];
  from: number;
  to: number;
  asOf: number;
  windowMs: number | null;
}
export interface MemStep {
  count: number;
  inferred: number;
  days: number[];
}

/** The deal's log as of asOf in replay order (creation in QUALIFICATION first; ties: ladder rank, LOST last, arrival). */
function dealLog(d: MemDeal, asOf: number) {
  const log = [{ stage: 'QUALIFICATION', at: d.createdAt }, ...d.changes]
    .map((c, i) => ({ ...c, i }))
    .filter((c) => c.at <= asOf);
  return log.sort((a, b) => a.at - b.at || STAGE_RANK[a.stage] - STAGE_RANK[b.stage] || a.i - b.i);
}

/** The deal's latest change as of asOf: its stage, category and instant (null when created after asOf). */
export function outcome(
  d: MemDeal,
  asOf: number,
): { stage: string; category: 'OPEN' | 'WON' | 'LOST'; at: number } | null {
  const last = dealLog(d, asOf).pop();
  return last ? { stage: last.stage, category: CATEGORY[last.stage], at: last.at } : null;
}

const wonAt = (d: MemDeal, asOf: number) => {
  const o = outcome(d, asOf);
  return o?.category === 'WON' ? o.at : null;
};

function earliest<S>(entries: [S, number][], asOf: number): Map<S, number> {
  const first = new Map<S, number>();
  for (const [s, at] of entries) if (at <= asOf && (!first.has(s) || at < first.get(s)!)) first.set(s, at);
  return first;
}

export function leadFirstEntries(l: MemLead, asOf: number): Map<Stage, number> {
  const entries: [Stage, number][] = [['LEAD', l.createdAt]];
  for (const e of l.events) if ((LADDER as readonly string[]).includes(e.event)) entries.push([e.event as Stage, e.at]);
  for (const d of l.deals) {
    entries.push(['OPPORTUNITY', d.createdAt]);
    const w = wonAt(d, asOf);
    if (w !== null) entries.push(['CUSTOMER', w]);
  }
  return earliest(entries, asOf);
}

/** Pipeline first entries: OPEN stages from the log, WON only when the outcome as of asOf is WON (at its close). */
function dealFirstEntries(d: MemDeal, asOf: number): Map<string, number> {
  const entries: [string, number][] = dealLog(d, asOf)
    .filter((c) => CATEGORY[c.stage] === 'OPEN')
    .map((c) => [c.stage, c.at]);
  const w = wonAt(d, asOf);
  if (w !== null) entries.push(['WON', w]);
  return earliest(entries, asOf);
}

/** Reach of each ladder stage: the earliest first entry of it or any higher stage (definitions.md section 2). */
export function inferredReach<S>(ladder: readonly S[], first: Map<S, number>, s: S): number | null {
  const ts = ladder
    .slice(ladder.indexOf(s))
    .map((t) => first.get(t))
    .filter((x): x is number => x !== undefined);
  return ts.length ? Math.min(...ts) : null;
}

function reaches<S>(
  ladder: readonly S[],
  first: Map<S, number>,
  q: MemQuery<S & string>,
): { reach: (number | null)[]; inferred: boolean[] } {
  if (q.policy === 'INFER') {
    const reach = q.steps.map((s) => inferredReach(ladder, first, s));
    return {
      reach,
      inferred: q.steps.map((s, k) => reach[k] !== null && (!first.has(s) || first.get(s)! > reach[k]!)),
    };
  }
  const reach: (number | null)[] = [];
  let ok = true;
  q.steps.forEach((s, k) => {
    const at = first.get(s);
    ok = ok && at !== undefined && (k === 0 || (reach[k - 1] !== null && reach[k - 1]! <= at));
    reach.push(ok ? at! : null);
  });
  return { reach, inferred: q.steps.map(() => false) };
}

function countSteps<S extends string>(ladder: readonly S[], units: Map<S, number>[], q: MemQuery<S>): MemStep[] {
  const out: MemStep[] = q.steps.map(() => ({ count: 0, inferred: 0, days: [] }));
  for (const first of units) {
    const { reach, inferred } = reaches(ladder, first, q);
    q.steps.forEach((_, k) => {
      const r = reach[k];
      if (r === null) return;
      const counted =
        q.basis === 'COHORT'
          ? reach[0] !== null &&
            reach[0] >= q.from &&
            reach[0] < q.to &&
            r <= Math.min(q.asOf, reach[0] + (q.windowMs ?? Infinity))
          : r >= q.from && r < q.to && r <= q.asOf;
      if (!counted) return;
      out[k].count++;
      if (inferred[k]) out[k].inferred++;
      if (k > 0 && reach[k - 1] !== null) out[k].days.push((r - reach[k - 1]!) / 86_400_000);
    });
  }
  return out;
}

export function evaluateFunnel(leads: MemLead[], q: MemQuery): MemStep[] {
  return countSteps(
    LADDER,
    leads.filter((l) => l.createdAt <= q.asOf).map((l) => leadFirstEntries(l, q.asOf)),
    q,
  );
}

export function evaluatePipelineFunnel(deals: MemDeal[], q: MemQuery<string>): MemStep[] {
  return countSteps(
    PIPELINE as readonly string[],
    deals.filter((d) => d.createdAt <= q.asOf).map((d) => dealFirstEntries(d, q.asOf)),
    q,
  );
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
