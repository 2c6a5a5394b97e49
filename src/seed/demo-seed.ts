import { DataSource } from 'typeorm';
import { Viewer } from '../common/auth/viewer';
import { BulkResult } from '../common/bulk/bulk.types';
import { Channel, LeadEvent, RejectionReason, Role, TouchpointType } from '../common/graphql/enums';
import { upsertAccounts } from '../modules/account/account.service';
import { recordCampaignSpend, upsertCampaigns } from '../modules/campaign/campaign.service';
import { recordDealStageChanges, upsertDeals } from '../modules/deal/deal.service';
import { recordLeadStageChanges, upsertLeads } from '../modules/lead/lead.service';
import { recordTouchpoints } from '../modules/touchpoint/touchpoint.service';
import { upsertUsers } from '../modules/user/user.service';
import { rows } from '../db/sql';
import { setKpiTargets } from '../modules/analytics/kpi/kpi-target.service';
import { KpiMetric } from '../modules/analytics/kpi/kpi-series.types';
import { pick, prng } from './prng';
import { TransactionRunner } from '../db/transaction';
import { seedAgreement } from './demo-agreement';

const DAY = 86_400_000;
/** The demo year: 2025-11-01 to 2026-11-01 (UTC), fixed so the demo is the same everywhere. */
const START = Date.UTC(2025, 10, 1);
const END = Date.UTC(2026, 10, 1);

export const DEMO_ADMIN_EMAIL = 'admin@demo.example';

const CAMPAIGNS: [string, string, Channel, number][] = [
  ['cmp-webinar-q1', 'Pipeline webinar series', Channel.WEBINAR, 12000],
  ['cmp-search-brand', 'Brand search', Channel.PAID_SEARCH, 30000],
  ['cmp-search-generic', 'Generic search', Channel.PAID_SEARCH, 45000],
  ['cmp-linkedin', 'LinkedIn lead gen', Channel.PAID_SOCIAL, 25000],
  ['cmp-newsletter', 'Monthly newsletter', Channel.EMAIL, 3000],
  ['cmp-ebook', 'Revenue ops e-book', Channel.CONTENT, 8000],
  ['cmp-summit', 'RevOps summit booth', Channel.EVENT, 40000],
  ['cmp-outbound', 'Outbound sequences', Channel.OUTBOUND, 15000],
  ['cmp-partners', 'Partner referrals', Channel.PARTNER, 5000],
];
const TOUCH_BY_CHANNEL: Partial<Record<Channel, TouchpointType>> = {
  [Channel.WEBINAR]: TouchpointType.WEBINAR_ATTENDED,
  [Channel.PAID_SEARCH]: TouchpointType.AD_CLICK,
  [Channel.PAID_SOCIAL]: TouchpointType.AD_CLICK,
  [Channel.EMAIL]: TouchpointType.EMAIL_CLICK,
  [Channel.CONTENT]: TouchpointType.CONTENT_DOWNLOAD,
  [Channel.EVENT]: TouchpointType.EVENT_ATTENDED,
  [Channel.OUTBOUND]: TouchpointType.SALES_CALL,
  [Channel.PARTNER]: TouchpointType.MEETING,
};
const INDUSTRIES = ['Software', 'Manufacturing', 'Retail', 'Finance', 'Healthcare', 'Logistics'];
const REGIONS = ['EMEA', 'NA', 'APAC', 'LATAM'];
const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Eva', 'Femi', 'Gus', 'Hana', 'Ivan', 'Jia', 'Kofi', 'Lena'];
const LAST = ['Nguyen', 'Okafor', 'Schmidt', 'Rossi', 'Silva', 'Kim', 'Novak', 'Haddad', 'Berg', 'Tanaka'];
const REASONS = [
  RejectionReason.NO_BUDGET,
  RejectionReason.TIMING,
  RejectionReason.BAD_FIT,
  RejectionReason.NO_RESPONSE,
];

/** Sends items in chunks of 500 and fails loudly if any item was refused (the demo must load whole). */
async function send<T>(items: T[], fn: (chunk: T[]) => Promise<BulkResult>): Promise<void> {
  for (let i = 0; i < items.length; i += 500) {
    const r = await fn(items.slice(i, i + 500));
    const bad = r.results.find((x) => !x.success);
    if (bad) throw new Error(`demo seed item refused: ${JSON.stringify(bad)}`);
  }
}

const iso = (t: number) => new Date(Math.round(t / 60_000) * 60_000);

/** A small deterministic funnel: 300 leads over a year with hand-offs, touchpoints, deals and their stage history. */
export async function seedDemo(transactions: TransactionRunner, leadCount = 300): Promise<void> {
  const rand = prng(20251101);
  const svc: Viewer = { sub: 'demo-seed', role: Role.SERVICE };
  const reps = ['ana', 'bo', 'carla', 'dan'].map((n) => `${n}@demo.example`);
  await send(
    [
      { email: DEMO_ADMIN_EMAIL, name: 'Demo Admin', role: Role.ADMIN },
      { email: 'revops@demo.example', name: 'Rae Ops', role: Role.REVOPS },
      { email: 'marketing@demo.example', name: 'Mia Marketing', role: Role.MARKETING },
      { email: 'analyst@demo.example', name: 'Ana Lyst', role: Role.ANALYST },
      ...reps.map((email) => ({ email, name: email.split('@')[0], role: Role.SALES })),
    ],
    (c) => upsertUsers(transactions, { sub: 'demo-seed', role: Role.ADMIN }, c, true),
  );

  const accounts = Array.from({ length: 40 }, (_, i) => ({
    externalId: `acc-${i + 1}`,
    name: `Account ${i + 1}`,
    domain: `account${i + 1}.example`,
    industry: pick(rand, INDUSTRIES),
    region: pick(rand, REGIONS),
    employees: 20 + Math.floor(rand() * 5000),
    createdAt: iso(START - 30 * DAY),
  }));
  await send(accounts, (c) => upsertAccounts(transactions, svc, c, true));
  await send(
    CAMPAIGNS.map(([externalId, name, channel, budget]) => ({
      externalId,
      name,
      channel,
      budget,
      startsAt: iso(START),
      endsAt: iso(END),
    })),
    (c) => upsertCampaigns(transactions, svc, c, true),
  );
  const spend = CAMPAIGNS.flatMap(([externalId, , , budget]) =>
    Array.from({ length: 52 }, (_, w) => ({
      campaignExternalId: externalId,
      day: iso(START + w * 7 * DAY),
      amount: Math.round((budget / 52) * (0.6 + rand() * 0.8)),
    })),
  );
  await send(spend, (c) => recordCampaignSpend(transactions, svc, c, true));

  const leads: Parameters<typeof upsertLeads>[2] = [];
  const events: Parameters<typeof recordLeadStageChanges>[2] = [];
  const touches: Parameters<typeof recordTouchpoints>[2] = [];
  const deals: Parameters<typeof upsertDeals>[2] = [];
  const dealChanges: Parameters<typeof recordDealStageChanges>[2] = [];
  for (let i = 0; i < leadCount; i++) {
    const ext = `lead-${String(i + 1).padStart(4, '0')}`;
    const created = START + rand() * (END - START - 40 * DAY);
    const campaign = pick(rand, CAMPAIGNS);
    const account = pick(rand, accounts);
    leads.push({
      externalId: ext,
      email: `${ext}@${account.domain}`,
      firstName: pick(rand, FIRST),
      lastName: pick(rand, LAST),
      title: pick(rand, ['VP Sales', 'CMO', 'RevOps Lead', 'Head of Growth', 'CFO']),
      accountExternalId: account.externalId,
      ownerEmail: pick(rand, reps),
      source: campaign[2],
      score: Math.floor(rand() * 100),
      createdAt: iso(created),
    });
    const nTouch = 1 + Math.floor(rand() * 4);
    for (let t = 0; t < nTouch; t++) {
      const c = t === 0 ? campaign : pick(rand, CAMPAIGNS);
      touches.push({
        externalId: `${ext}-t${t + 1}`,
        leadExternalId: ext,
        campaignExternalId: c[0],
        type: TOUCH_BY_CHANNEL[c[2]] ?? TouchpointType.WEB_VISIT,
        occurredAt: iso(created - 20 * DAY + t * 6 * DAY + rand() * DAY),
      });
    }
    let at = created;
    const step = (days: number) => (at += (0.2 + rand()) * days * DAY);
    const ev = (event: LeadEvent, reason?: RejectionReason) =>
      events.push({ leadExternalId: ext, event, occurredAt: iso(at), ...(reason ? { reason } : {}) });
    if (campaign[2] !== Channel.OUTBOUND && rand() < 0.7) {
      step(5);
      ev(LeadEvent.MQL);
    } else if (rand() < 0.5) continue;
    if (rand() < 0.25) {
      step(2);
      ev(rand() < 0.5 ? LeadEvent.REJECTED : LeadEvent.RECYCLED, pick(rand, REASONS));
      continue;
    }
    if (rand() < 0.8) {
      step(2);
      ev(LeadEvent.SAL);
    }
    if (rand() < 0.35) continue;
    step(6);
    ev(LeadEvent.SQL);
    if (rand() < 0.45) continue;
    step(8);
    const dealExt = `deal-${ext}`;
    const dealCreated = at;
    const amount = 5000 + Math.round(rand() * 60) * 1000;
    deals.push({
      externalId: dealExt,
      name: `${account.name} – ${pick(rand, ['Platform', 'Expansion', 'Pilot'])}`,
      amount,
      accountExternalId: account.externalId,
      ownerEmail: pick(rand, reps),
      leadExternalIds: [ext],
      createdAt: iso(dealCreated),
      expectedCloseDate: iso(dealCreated + 60 * DAY),
    });
    for (const stage of ['DISCOVERY', 'PROPOSAL', 'NEGOTIATION']) {
      if (rand() < 0.25) break;
      step(10);
      if (at > END) break;
      dealChanges.push({ dealExternalId: dealExt, stage, occurredAt: iso(at) });
    }
    if (rand() < 0.6 && at + 20 * DAY < END) {
      step(12);
      dealChanges.push({
        dealExternalId: dealExt,
        stage: rand() < 0.45 ? 'WON' : 'LOST',
        occurredAt: iso(at),
        reason: undefined,
      });
    }
  }
  await send(leads, (c) => upsertLeads(transactions, svc, c, true));
  await send(events, (c) => recordLeadStageChanges(transactions, svc, c, true));
  await send(touches, (c) => recordTouchpoints(transactions, svc, c, true));
  await send(deals, (c) => upsertDeals(transactions, svc, c, true));
  await send(dealChanges, (c) => recordDealStageChanges(transactions, svc, c, true));
  await setKpiTargets(transactions, DEMO_TARGETS);
  await seedAgreement(transactions);
}

/** Quarterly targets of the demo year (the dashboard's tiles show actual against them). */
const DEMO_TARGETS = [0, 1, 2, 3].flatMap((q) => {
  const periodStart = new Date(Date.UTC(2025, 10 + 3 * q, 1));
  const periodEnd = new Date(Date.UTC(2025, 13 + 3 * q, 1));
  return (
    [
      [KpiMetric.MQLS, 45],
      [KpiMetric.SQLS, 20],
      [KpiMetric.WON_DEALS, 6],
      [KpiMetric.REVENUE, 180_000],
      [KpiMetric.WIN_RATE, 0.45],
    ] as const
  ).map(([metric, target]) => ({ metric, periodStart, periodEnd, target }));
});

/** True when the database holds no funnel data yet (a brand-new embedded database). */
export async function isEmpty(ds: DataSource): Promise<boolean> {
  const r = await rows<{ n: string }>(ds, `SELECT (SELECT count(*) FROM leads) + (SELECT count(*) FROM users) AS n`);
  return Number(r[0].n) === 0;
}
