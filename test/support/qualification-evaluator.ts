/**
 * An in-memory evaluator of definitions.md §8, written from the text alone (no SQL): fit, engagement at an instant,
 * the first qualifying instant from `since`, and automatic MQL replayed over a sequence of writes. The property test
 * compares the service with it. `mutation` switches on a deliberately wrong reading (to show the test would notice).
 */
export interface EvalFitRule {
  attribute: 'INDUSTRY' | 'REGION' | 'EMPLOYEES' | 'TITLE' | 'SOURCE';
  op: 'IN' | 'NOT_IN' | 'BETWEEN' | 'CONTAINS_ANY';
  values: string[] | null;
  min: number | null;
  max: number | null;
  points: number;
}
export interface EvalEngagementRule {
  touchType: string | null;
  channel: string | null;
  points: number;
  maxCount: number | null;
}
export interface EvalDefinition {
  fitRules: EvalFitRule[];
  engagementRules: EvalEngagementRule[];
  fitThreshold: number;
  engagementThreshold: number;
  engagementWindowDays: number;
  engagementHalfLifeDays: number | null;
}
export interface EvalLead {
  industry: string | null;
  region: string | null;
  employees: number | null;
  title: string | null;
  source: string | null;
}
export interface EvalTouch {
  externalId: string;
  type: string;
  channel: string;
  at: number;
}
export type Mutation = 'none' | 'window-closed-left' | 'cap-earliest';

const DAY = 86_400_000;
const EPS = 1e-9;

function attribute(l: EvalLead, a: EvalFitRule['attribute']): string | null {
  const v = { INDUSTRY: l.industry, REGION: l.region, EMPLOYEES: l.employees, TITLE: l.title, SOURCE: l.source }[a];
  return v == null ? null : String(v);
}

export function fit(d: EvalDefinition, l: EvalLead): number {
  let s = 0;
  for (const r of d.fitRules) {
    const v = attribute(l, r.attribute);
    if (v == null) continue;
    const lv = v.toLowerCase();
    const vals = (r.values ?? []).map((x) => x.toLowerCase());
    const match =
      r.op === 'IN'
        ? vals.includes(lv)
        : r.op === 'NOT_IN'
          ? !vals.includes(lv)
          : r.op === 'CONTAINS_ANY'
            ? vals.some((x) => lv.includes(x))
            : (r.min == null || Number(v) >= r.min) && (r.max == null || Number(v) < r.max);
    if (match) s += r.points;
  }
  return s;
}

export function engagement(d: EvalDefinition, touches: EvalTouch[], t: number, mutation: Mutation = 'none'): number {
  const w = d.engagementWindowDays * DAY;
  let s = 0;
  for (const r of d.engagementRules) {
    let hits = touches.filter(
      (x) =>
        (r.touchType == null || r.touchType === x.type) &&
        (r.channel == null || r.channel === x.channel) &&
        (mutation === 'window-closed-left' ? x.at >= t - w : x.at > t - w) &&
        x.at <= t,
    );
    hits.sort((a, b) => b.at - a.at || (b.externalId < a.externalId ? -1 : b.externalId > a.externalId ? 1 : 0));
    if (mutation === 'cap-earliest') hits.reverse();
    if (r.maxCount != null) hits = hits.slice(0, r.maxCount);
    for (const x of hits)
      s += r.points * (d.engagementHalfLifeDays == null ? 1 : 2 ** (-(t - x.at) / DAY / d.engagementHalfLifeDays));
  }
  return s;
}

/** qualifiedAt_D(l, since), candidates up to `upto`; null when never. */
export function qualifiedAt(
  d: EvalDefinition,
  l: EvalLead,
  touches: EvalTouch[],
  since: number,
  upto: number,
  mutation: Mutation = 'none',
): number | null {
  if (since > upto || fit(d, l) < d.fitThreshold) return null;
  const candidates = [since, ...touches.map((x) => x.at).filter((a) => a > since && a <= upto)].sort((a, b) => a - b);
  for (const c of candidates) if (engagement(d, touches, c, mutation) >= d.engagementThreshold - EPS) return c;
  return null;
}

/** One write of the replay: touches and hand-off events arriving at `now` (instants may be backdated). */
export interface EvalWrite {
  now: number;
  touches: { lead: string; touch: EvalTouch }[];
  events: { lead: string; event: 'REJECTED' | 'RECYCLED'; at: number }[];
}

/**
 * Automatic MQL replayed write by write: after each write, every lead it changed whose current stage is LEAD and status
 * OPEN gets an MQL at its first qualifying instant from max(activatedAt, createdAt, latest RECYCLED), if ≤ now.
 */
export function replayAutoMql(
  d: EvalDefinition,
  activatedAt: number,
  leads: Map<string, EvalLead & { createdAt: number }>,
  writes: EvalWrite[],
  mutation: Mutation = 'none',
): Map<string, number[]> {
  const touches = new Map<string, EvalTouch[]>();
  const events = new Map<string, { event: string; at: number }[]>();
  const mqls = new Map<string, number[]>();
  const state = (lead: string) => {
    const all = [...(events.get(lead) ?? []), ...(mqls.get(lead) ?? []).map((at) => ({ event: 'MQL', at }))].sort(
      (a, b) => a.at - b.at,
    );
    let stage = 'LEAD';
    let status = 'OPEN';
    for (const e of all) {
      if (e.event === 'MQL') [stage, status] = ['MQL', 'OPEN'];
      else if (e.event === 'REJECTED') status = 'REJECTED';
      else if (e.event === 'RECYCLED') [stage, status] = ['LEAD', 'OPEN'];
    }
    return {
      stage,
      status,
      recycled: Math.max(-Infinity, ...all.filter((e) => e.event === 'RECYCLED').map((e) => e.at)),
    };
  };
  for (const w of writes) {
    const changed = new Set<string>();
    for (const t of w.touches) {
      touches.set(t.lead, [...(touches.get(t.lead) ?? []), t.touch]);
      changed.add(t.lead);
    }
    for (const e of w.events) {
      events.set(e.lead, [...(events.get(e.lead) ?? []), { event: e.event, at: e.at }]);
      changed.add(e.lead);
    }
    for (const lead of changed) {
      const s = state(lead);
      if (s.stage !== 'LEAD' || s.status !== 'OPEN') continue;
      const l = leads.get(lead)!;
      const q = qualifiedAt(
        d,
        l,
        touches.get(lead) ?? [],
        Math.max(activatedAt, l.createdAt, s.recycled),
        w.now,
        mutation,
      );
      if (q != null) mqls.set(lead, [...(mqls.get(lead) ?? []), q]);
    }
  }
  return mqls;
}
