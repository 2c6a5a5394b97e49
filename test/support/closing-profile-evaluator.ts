/**
 * An in-memory reading of definitions.md §10 (which units, which value of each dimension), written from the text
 * alone, for the closing profile's property test: the counts per dimension value of a population.
 */
export interface EvAccount {
  industry: string | null;
  region: string | null;
  employees: number | null;
}
export interface EvLead {
  ext: string;
  createdAt: number;
  title: string | null;
  source: string | null;
  score: number | null;
  account: EvAccount | null;
  owner: string | null;
  /** Hand-off history: MQL, SAL (accepted) or REJECTED (returned) events. */
  events: { event: 'MQL' | 'SAL' | 'REJECTED'; at: number }[];
}
export interface EvTouch {
  ext: string;
  lead: string;
  channel: string;
  campaign: string;
  at: number;
}
export interface EvDeal {
  amount: number;
  createdAt: number;
  account: EvAccount | null;
  owner: string | null;
  leads: string[];
  /** Stage changes after creation (distinct instants), with their category. */
  changes: { at: number; category: 'OPEN' | 'WON' | 'LOST' }[];
}
export type Counts = Map<string, { s: number; f: number }>;

const DAY = 86_400_000;

export function seniority(title: string | null): string {
  if (title == null || title.trim() === '') return 'UNKNOWN';
  const lower = title.toLowerCase();
  const words = new Set(lower.split(/[^\p{L}]+/u));
  const any = (xs: string[]) => xs.some((x) => words.has(x));
  if (any(['vp', 'svp', 'evp']) || lower.includes('vice president')) return 'VP';
  if (any(['chief', 'ceo', 'cfo', 'cto', 'cmo', 'coo', 'cro', 'cio', 'founder', 'cofounder', 'owner', 'president']))
    return 'C_LEVEL';
  if (any(['director', 'head'])) return 'DIRECTOR';
  if (any(['manager', 'lead', 'supervisor'])) return 'MANAGER';
  return 'INDIVIDUAL';
}

const employeesBand = (e: number | null) =>
  e == null
    ? 'UNKNOWN'
    : e <= 10
      ? '1-10'
      : e <= 50
        ? '11-50'
        : e <= 200
          ? '51-200'
          : e <= 1000
            ? '201-1000'
            : e <= 5000
              ? '1001-5000'
              : '5001+';
const amountBand = (a: number) => (a < 5000 ? '<5k' : a < 25000 ? '5k-25k' : a < 100000 ? '25k-100k' : '100k+');
const scoreBand = (s: number | null) =>
  s == null ? 'UNKNOWN' : s < 25 ? '<25' : s < 50 ? '25-49' : s < 75 ? '50-74' : '75+';

function firstTouch(touches: EvTouch[]): EvTouch | null {
  const sorted = [...touches].sort((a, b) => a.at - b.at || (a.ext < b.ext ? -1 : a.ext > b.ext ? 1 : 0));
  return sorted[0] ?? null;
}

function values(
  account: EvAccount | null,
  lead: EvLead | null,
  owner: string | null,
  ft: EvTouch | null,
  amount: number | null,
): Record<string, string> {
  return {
    INDUSTRY: account?.industry ?? 'UNKNOWN',
    REGION: account?.region ?? 'UNKNOWN',
    EMPLOYEES_BAND: employeesBand(account?.employees ?? null),
    TITLE_SENIORITY: seniority(lead?.title ?? null),
    SOURCE: lead?.source ?? 'UNKNOWN',
    FIRST_TOUCH_CHANNEL: ft?.channel ?? 'NONE',
    FIRST_TOUCH_CAMPAIGN: ft?.campaign ?? 'NONE',
    OWNER: owner ?? 'UNASSIGNED',
    ...(amount != null ? { AMOUNT_BAND: amountBand(amount) } : {}),
    SCORE_BAND: scoreBand(lead?.score ?? null),
  };
}

function count(units: { success: boolean; dims: Record<string, string> }[]): Counts {
  const out: Counts = new Map();
  const add = (k: string, success: boolean) => {
    const c = out.get(k) ?? { s: 0, f: 0 };
    if (success) c.s++;
    else c.f++;
    out.set(k, c);
  };
  for (const u of units) {
    add('*', u.success);
    for (const [d, v] of Object.entries(u.dims)) add(`${d}:${v}`, u.success);
  }
  return out;
}

/** DEALS: closed in [from, to) as of asOf (the latest change at or before asOf is WON or LOST). */
export function dealCounts(
  deals: EvDeal[],
  leads: Map<string, EvLead>,
  touches: EvTouch[],
  from: number,
  to: number,
  asOf: number,
): Counts {
  const units = [];
  for (const d of deals) {
    if (d.createdAt > asOf) continue;
    const last = d.changes.filter((c) => c.at <= asOf).sort((a, b) => b.at - a.at)[0];
    if (!last || last.category === 'OPEN' || last.at < from || last.at >= to) continue;
    const linked = d.leads.map((x) => leads.get(x)!).sort((a, b) => a.createdAt - b.createdAt);
    const ft = firstTouch(
      touches.filter(
        (t) => d.leads.includes(t.lead) && t.at >= d.createdAt - 365 * DAY && t.at <= last.at && t.at <= asOf,
      ),
    );
    units.push({ success: last.category === 'WON', dims: values(d.account, linked[0] ?? null, d.owner, ft, d.amount) });
  }
  return count(units);
}

/**
 * MQLS, for leads without deals: reach_MQL (the first MQL or SAL by asOf) in [from, to), with a disposition by asOf
 * (the first SAL — accepted — or REJECTED — returned — at or after it; acceptance first at one instant).
 */
export function mqlCounts(leads: EvLead[], touches: EvTouch[], from: number, to: number, asOf: number): Counts {
  const units = [];
  for (const l of leads) {
    if (l.createdAt > asOf) continue;
    const seen = l.events.filter((e) => e.at <= asOf);
    const reach = Math.min(...seen.filter((e) => e.event !== 'REJECTED').map((e) => e.at));
    if (!Number.isFinite(reach) || reach < from || reach >= to) continue;
    const after = seen.filter((e) => e.event !== 'MQL' && e.at >= reach);
    const disposition = after.sort((a, b) => a.at - b.at || (a.event === 'SAL' ? -1 : 1))[0];
    if (!disposition) continue;
    const ft = firstTouch(touches.filter((t) => t.lead === l.ext && t.at <= reach));
    units.push({ success: disposition.event === 'SAL', dims: values(l.account, l, l.owner, ft, null) });
  }
  return count(units);
}
