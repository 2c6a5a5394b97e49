/**
 * A deliberately plain in-memory reading of definitions.md sections 2–4 for the lifecycle funnel, to check the SQL
 * against. Times are epoch milliseconds.
 */
export const LADDER = ['LEAD', 'MQL', 'SAL', 'SQL', 'OPPORTUNITY', 'CUSTOMER'] as const;
export type Stage = (typeof LADDER)[number];
const STAGE_RANK: Record<string, number> = { QUALIFICATION: 1, DISCOVERY: 2, PROPOSAL: 3, NEGOTIATION: 4, WON: 1_000_005, LOST: Infinity };
const CATEGORY: Record<string, 'OPEN' | 'WON' | 'LOST'> = { QUALIFICATION: 'OPEN', DISCOVERY: 'OPEN', PROPOSAL: 'OPEN', NEGOTIATION: 'OPEN', WON: 'WON', LOST: 'LOST' };

export interface MemDeal { createdAt: number; changes: { stage: string; at: number }[] }
export interface MemLead { createdAt: number; events: { event: string; at: number }[]; deals: MemDeal[] }
export interface MemQuery { basis: 'COHORT' | 'FLOW'; policy: 'INFER' | 'STRICT'; steps: Stage[]; from: number; to: number; asOf: number; windowMs: number | null }
export interface MemStep { count: number; inferred: number; days: number[] }

/** The deal's close as of asOf when its outcome then is WON (latest change ≤ asOf; ties: rank, LOST last, arrival). */
function wonAt(d: MemDeal, asOf: number): number | null {
  const log = [{ stage: 'QUALIFICATION', at: d.createdAt }, ...d.changes].map((c, i) => ({ ...c, i })).filter((c) => c.at <= asOf);
  log.sort((a, b) => a.at - b.at || STAGE_RANK[a.stage] - STAGE_RANK[b.stage] || a.i - b.i);
  const last = log[log.length - 1];
  return last && CATEGORY[last.stage] === 'WON' ? last.at : null;
}

function firstEntries(l: MemLead, asOf: number): Map<Stage, number> {
  const entries: [Stage, number][] = [['LEAD', l.createdAt]];
  for (const e of l.events) if ((LADDER as readonly string[]).includes(e.event)) entries.push([e.event as Stage, e.at]);
  for (const d of l.deals) {
    entries.push(['OPPORTUNITY', d.createdAt]);
    const w = wonAt(d, asOf);
    if (w !== null) entries.push(['CUSTOMER', w]);
  }
  const first = new Map<Stage, number>();
  for (const [s, at] of entries) if (at <= asOf && (!first.has(s) || at < first.get(s)!)) first.set(s, at);
  return first;
}

function reaches(l: MemLead, q: MemQuery): { reach: (number | null)[]; inferred: boolean[] } {
  const first = firstEntries(l, q.asOf);
  if (q.policy === 'INFER') {
    const reach = q.steps.map((s) => {
      const ts = LADDER.slice(LADDER.indexOf(s)).map((t) => first.get(t)).filter((x): x is number => x !== undefined);
      return ts.length ? Math.min(...ts) : null;
    });
    return { reach, inferred: q.steps.map((s, k) => reach[k] !== null && (!first.has(s) || first.get(s)! > reach[k]!)) };
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

export function evaluateFunnel(leads: MemLead[], q: MemQuery): MemStep[] {
  const out: MemStep[] = q.steps.map(() => ({ count: 0, inferred: 0, days: [] }));
  for (const l of leads) {
    if (l.createdAt > q.asOf) continue;
    const { reach, inferred } = reaches(l, q);
    q.steps.forEach((_, k) => {
      const r = reach[k];
      if (r === null) return;
      const counted = q.basis === 'COHORT'
        ? reach[0] !== null && reach[0] >= q.from && reach[0] < q.to && r <= Math.min(q.asOf, reach[0] + (q.windowMs ?? Infinity))
        : r >= q.from && r < q.to && r <= q.asOf;
      if (!counted) return;
      out[k].count++;
      if (inferred[k]) out[k].inferred++;
      if (k > 0 && reach[k - 1] !== null) out[k].days.push((r - reach[k - 1]!) / 86_400_000);
    });
  }
  return out;
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
