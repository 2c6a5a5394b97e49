import {
  inferredReach,
  LADDER,
  leadFirstEntries,
  mean,
  median,
  MemDeal,
  MemLead,
  outcome,
  Stage,
} from './funnel-evaluator';

/**
 * A plain in-memory reading of definitions.md section 5 for the KPIs a random history exercises (spend, CAC and
 * influenced revenue need campaigns and are checked by the worked examples instead). Times are epoch milliseconds.
 */
export interface MemKpiQuery {
  from: number;
  to: number;
  asOf: number;
  windowMs: number | null;
  slaHours: number;
}

const PROBABILITY: Record<string, number> = { QUALIFICATION: 0.1, DISCOVERY: 0.2, PROPOSAL: 0.5, NEGOTIATION: 0.75 };
const MARKETING = [
  'EMAIL',
  'PAID_SEARCH',
  'PAID_SOCIAL',
  'ORGANIC_SEARCH',
  'ORGANIC_SOCIAL',
  'CONTENT',
  'WEBINAR',
  'EVENT',
];
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The hand-off disposition: the first accepted or returned event at or after reach_MQL (same instant: accepted first). */
function disposition(
  l: MemLead,
  reachMql: number,
  asOf: number,
): { kind: 'ACCEPTED' | 'RETURNED'; at: number; reason: string | null } | null {
  const first = leadFirstEntries(l, asOf);
  const accepted = [
    ...l.events.filter((e) => e.event === 'SAL' || e.event === 'SQL').map((e) => e.at),
    ...l.deals.map((d) => d.createdAt),
    ...(first.has('CUSTOMER') ? [first.get('CUSTOMER')!] : []),
  ].filter((at) => at >= reachMql && at <= asOf);
  const returned = l.events
    .filter((e) => ['REJECTED', 'RECYCLED', 'DISQUALIFIED'].includes(e.event) && e.at >= reachMql && e.at <= asOf)
    .sort((a, b) => a.at - b.at);
  const a = accepted.length ? Math.min(...accepted) : Infinity;
  if (a === Infinity && !returned.length) return null;
  if (!returned.length || a <= returned[0].at) return { kind: 'ACCEPTED', at: a, reason: null };
  return { kind: 'RETURNED', at: returned[0].at, reason: returned[0].reason ?? 'OTHER' };
}

export function evaluateKpis(leads: MemLead[], q: MemKpiQuery) {
  const inP = (t: number | null) => t !== null && t >= q.from && t < q.to;
  const known = leads.filter((l) => l.createdAt <= q.asOf);
  const reach = (l: MemLead, s: Stage) => inferredReach(LADDER, leadFirstEntries(l, q.asOf), s);
  const flow = (s: Stage) => known.filter((l) => inP(reach(l, s))).length;

  const cohort = known.filter((l) => inP(reach(l, 'MQL')));
  const mqlToSql = cohort.filter((l) => {
    const r4 = reach(l, 'SQL');
    return r4 !== null && r4 <= Math.min(q.asOf, reach(l, 'MQL')! + (q.windowMs ?? Infinity));
  }).length;
  const disp = cohort.map((l) => ({ r2: reach(l, 'MQL')!, d: disposition(l, reach(l, 'MQL')!, q.asOf) }));
  const handled = disp.filter((x) => x.d !== null);
  const hours = handled.map((x) => (x.d!.at - x.r2) / HOUR);
  const returned = handled.filter((x) => x.d!.kind === 'RETURNED');
  const reasons = new Map<string, number>();
  for (const x of returned) reasons.set(x.d!.reason!, (reasons.get(x.d!.reason!) ?? 0) + 1);
  const onTime = handled.filter((x) => x.d!.at <= x.r2 + q.slaHours * HOUR).length;
  const breached =
    handled.length - onTime + disp.filter((x) => x.d === null && x.r2 + q.slaHours * HOUR <= q.asOf).length;

  // deals are units of their own: a deal counts whenever it was created by asOf, even before its lead
  const deals = leads
    .flatMap((l) => l.deals.map((d) => ({ d, source: l.source })))
    .filter(({ d }) => d.createdAt <= q.asOf);
  const withOutcome = deals.map((x) => ({ ...x, o: outcome(x.d, q.asOf)! }));
  const closed = withOutcome.filter((x) => x.o.category !== 'OPEN' && inP(x.o.at));
  const won = closed.filter((x) => x.o.category === 'WON');
  const lost = closed.filter((x) => x.o.category === 'LOST');
  const open = withOutcome.filter((x) => x.o.category === 'OPEN');
  const sum = (xs: { d: MemDeal }[]) => xs.reduce((n, x) => n + x.d.amount, 0);
  const created = deals.filter(({ d }) => inP(d.createdAt));
  const cycles = won.map((x) => (x.o.at - x.d.createdAt) / DAY);

  return {
    leads: flow('LEAD'),
    mqls: flow('MQL'),
    sals: flow('SAL'),
    sqls: flow('SQL'),
    opportunities: created.length,
    pipelineCreated: sum(created),
    wonDeals: won.length,
    lostDeals: lost.length,
    revenue: sum(won),
    winRate: [won.length, won.length + lost.length],
    winRateByValue: [sum(won), sum(won) + sum(lost)],
    salesCycleDays: [cycles.length, mean(cycles), median(cycles)],
    mqlToSqlRate: [mqlToSql, cohort.length],
    leadRejectionRate: [returned.length, handled.length],
    rejectionReasons: [...reasons].sort(([a], [b]) => a.localeCompare(b)).map(([reason, count]) => ({ reason, count })),
    leadResponseHours: [hours.length, mean(hours), median(hours)],
    slaCompliance: [onTime, onTime + breached],
    // each deal has no account here, so it is its own customer: new when its (only) win as of asOf closed in P
    newCustomers: won.length,
    marketingSourcedRevenue: sum(won.filter((x) => x.source !== null && MARKETING.includes(x.source))),
    openPipeline: sum(open),
    weightedPipeline: open.reduce((n, x) => n + x.d.amount * PROBABILITY[x.o.stage], 0),
    openDeals: open.length,
  };
}
