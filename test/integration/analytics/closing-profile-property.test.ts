import { Role } from '../../../src/common/graphql/enums';
import { DataSource } from 'typeorm';
import {
  ProfileCountRow,
  queryClosingProfile,
} from '../../../src/modules/analytics/closing-profile/closing-profile.query';
import {
  checkProfileInput,
  profileFromCounts,
} from '../../../src/modules/analytics/closing-profile/closing-profile.service';
import { queryClosingRollup } from '../../../src/modules/analytics/closing-profile/closing-rollup.query';
import {
  ProfileDimension,
  ProfilePopulation,
} from '../../../src/modules/analytics/closing-profile/closing-profile.types';
import { bulkLoad } from '../../support/bulk-load';
import {
  Counts,
  dealCounts,
  EvAccount,
  EvDeal,
  EvLead,
  EvTouch,
  mqlCounts,
} from '../../support/closing-profile-evaluator';
import {
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
  UPSERT_USERS,
} from '../../support/ops';
import { startScratchApi, TestApi } from '../../support/test-server';
import { expectClosingRollupExact, PROFILE } from '../../support/closing-profile';
import { randomTools as rng } from '../../../src/seed/prng';

/**
 * The closing profile against an in-memory reading of definitions.md §10 on random histories (a database of its own
 * per history): deals that close, reopen and close again, leads with titles of every seniority (and none), accounts
 * with missing attributes, touches in and out of the lookback, MQLs accepted, returned or pending; as of now and as of
 * an instant inside the period. Every value's counts equal the evaluator's, the groups of each dimension sum to the
 * population, and the statistics equal those of the evaluator's counts.
 */
jest.setTimeout(300_000);

const DAY = 86_400_000;
const Y = Date.UTC(2024, 0, 1);
const TITLES = [
  'VP Sales',
  'Vice President, Growth',
  'CEO',
  'Co-founder',
  'Head of IT',
  'Director of Ops',
  'Team Lead',
  'Account Manager',
  'Engineer',
  'svp-marketing',
  '',
  null,
];
const INDUSTRIES = ['Software', 'Retail', 'Finance', null];
const REGIONS = ['EMEA', 'NA', 'APAC', null];
const SOURCES = ['EMAIL', 'WEBINAR', 'PAID_SEARCH', null];
const CHANNELS = ['EMAIL', 'WEBINAR', 'PAID_SEARCH'];
const OWNERS = ['o1@prop.example', 'o2@prop.example', null];

interface Scenario {
  leads: Map<string, EvLead>;
  touches: EvTouch[];
  deals: (EvDeal & { ext: string })[];
  mqlLeads: EvLead[];
}

async function loadScenario(api: TestApi, seed: number): Promise<Scenario> {
  const r = rng(seed);
  const iso = (t: number) => new Date(t).toISOString();
  const accounts: (EvAccount & { ext: string })[] = Array.from({ length: 12 }, (_, i) => ({
    ext: `A${i}`,
    industry: r.pick(INDUSTRIES),
    region: r.pick(REGIONS),
    employees: r.next() < 0.2 ? null : r.pick([1, 10, 11, 50, 51, 200, 201, 1000, 1001, 5000, 5001, 20000]),
  }));
  const leads = new Map<string, EvLead>();
  const touches: EvTouch[] = [];
  const deals: (EvDeal & { ext: string })[] = [];
  const mqlLeads: EvLead[] = [];
  const newLead = (ext: string, createdAt: number) => {
    const l: EvLead = {
      ext,
      createdAt,
      title: r.pick(TITLES),
      source: r.pick(SOURCES),
      score: r.next() < 0.25 ? null : r.int(0, 100),
      account: r.next() < 0.15 ? null : r.pick(accounts),
      owner: r.pick(OWNERS),
      events: [],
    };
    leads.set(ext, l);
    for (let k = r.int(0, 4); k > 0; k--)
      touches.push({
        ext: `T${touches.length}`,
        lead: ext,
        channel: '',
        campaign: r.pick(['C0', 'C1', 'C2']),
        at: createdAt + r.int(-400, 500) * DAY + r.int(0, 3) * 3_600_000,
      });
    return l;
  };
  // deals: their leads created the year before, closing (or not) around the period; some reopen and close again
  for (let i = 0; i < 70; i++) {
    const created = Y - r.int(30, 300) * DAY;
    const linked = Array.from({ length: r.int(0, 2) }, (_, k) => newLead(`DL${i}-${k}`, created - r.int(1, 60) * DAY));
    const changes: EvDeal['changes'] = [];
    let t = created;
    for (let k = r.int(1, 3); k > 0; k--) {
      t += r.int(20, 200) * DAY + r.int(1, 1000) * 1000;
      changes.push({ at: t, category: r.pick(['OPEN', 'WON', 'LOST', 'WON', 'LOST'] as const) });
    }
    const acc = r.next() < 0.1 ? null : r.pick(accounts);
    deals.push({
      ext: `D${i}`,
      amount: r.pick([1000, 4999, 5000, 24999, 25000, 99999, 100000, 250000]),
      createdAt: created,
      account: acc,
      owner: r.pick(OWNERS),
      leads: linked.map((l) => l.ext),
      changes,
    });
  }
  // MQLs without deals: reach in and around the period; accepted, returned or pending
  for (let i = 0; i < 70; i++) {
    const l = newLead(`M${i}`, Y + r.int(-40, 340) * DAY);
    const mql = l.createdAt + r.int(0, 30) * DAY + 3_600_000;
    const kind = r.int(0, 4);
    if (kind === 4) l.events.push({ event: 'SAL', at: mql });
    else {
      l.events.push({ event: 'MQL', at: mql });
      const next = mql + r.int(0, 40) * DAY + 7_200_000;
      if (kind === 1) l.events.push({ event: 'SAL', at: next });
      if (kind === 2) l.events.push({ event: 'REJECTED', at: next });
    }
    mqlLeads.push(l);
  }
  const campaigns = [
    { externalId: 'C0', name: 'Campaign zero', channel: 'EMAIL' },
    { externalId: 'C1', name: 'Campaign one', channel: 'WEBINAR' },
    { externalId: 'C2', name: 'Campaign two', channel: 'PAID_SEARCH' },
  ];
  for (const t of touches) t.channel = campaigns.find((c) => c.externalId === t.campaign)!.channel;
  void CHANNELS;
  const accountExt = (a: EvAccount | null) => (a ? (a as EvAccount & { ext: string }).ext : undefined);
  await api.ok(UPSERT_USERS, { input: OWNERS.filter(Boolean).map((email) => ({ email, role: 'SALES' })) });
  await bulkLoad(api, [
    [
      UPSERT_ACCOUNTS,
      accounts.map((a) => ({
        externalId: a.ext,
        name: a.ext,
        industry: a.industry,
        region: a.region,
        employees: a.employees,
      })),
    ],
    [UPSERT_CAMPAIGNS, campaigns],
    [
      UPSERT_LEADS,
      [...leads.values()].map((l) => ({
        externalId: l.ext,
        createdAt: iso(l.createdAt),
        title: l.title,
        source: l.source,
        score: l.score,
        accountExternalId: accountExt(l.account),
        ownerEmail: l.owner,
      })),
    ],
    [
      RECORD_TOUCHPOINTS,
      touches.map((t) => ({
        externalId: t.ext,
        leadExternalId: t.lead,
        campaignExternalId: t.campaign,
        type: 'OTHER',
        occurredAt: iso(t.at),
      })),
    ],
    [
      RECORD_LEAD_EVENTS,
      mqlLeads.flatMap((l) =>
        l.events.map((e) => ({
          leadExternalId: l.ext,
          event: e.event,
          occurredAt: iso(e.at),
          ...(e.event === 'REJECTED' ? { reason: 'BAD_FIT' } : {}),
        })),
      ),
    ],
    [
      UPSERT_DEALS,
      deals.map((d) => ({
        externalId: d.ext,
        name: d.ext,
        amount: d.amount,
        createdAt: iso(d.createdAt),
        accountExternalId: accountExt(d.account),
        ownerEmail: d.owner,
        leadExternalIds: d.leads,
      })),
    ],
    [
      RECORD_DEAL_CHANGES,
      deals.flatMap((d) =>
        d.changes.map((c) => ({
          dealExternalId: d.ext,
          stage: c.category === 'OPEN' ? 'NEGOTIATION' : c.category,
          occurredAt: iso(c.at),
        })),
      ),
    ],
  ]);
  return { leads, touches, deals, mqlLeads };
}

/**
 * Writes that change units after the fact, each through the API as a client sends it: an account's attributes, a
 * lead's title, score and owner, an earlier touch of a deal's lead, a won deal reopened and another closed, a pending
 * MQL returned, a campaign renamed, a lead archived.
 */
async function rewrite(api: TestApi, sc: Scenario, seed: number) {
  const r = rng(seed + 100);
  const iso = (t: number) => new Date(t).toISOString();
  await api.ok(UPSERT_ACCOUNTS, {
    input: [{ externalId: 'A1', name: 'A1', industry: 'Energy', region: 'LATAM', employees: 7 }],
  });
  const dealLead = sc.deals.find((d) => d.leads.length)!.leads[0];
  const mql = sc.mqlLeads[r.int(0, sc.mqlLeads.length - 1)].ext;
  await api.ok(UPSERT_LEADS, {
    input: [
      { externalId: dealLead, title: 'Chief Revenue Officer', score: 99, ownerEmail: 'o2@prop.example' },
      { externalId: mql, title: 'Intern', score: 3 },
    ],
  });
  await api.ok(RECORD_TOUCHPOINTS, {
    input: [dealLead, mql].map((lead, i) => ({
      externalId: `REWRITE-${i}`,
      leadExternalId: lead,
      campaignExternalId: 'C2',
      type: 'OTHER',
      occurredAt: iso(Y - 600 * DAY),
    })),
  });
  const won = sc.deals.filter((d) => d.changes[d.changes.length - 1].category === 'WON');
  const open = sc.deals.filter((d) => d.changes[d.changes.length - 1].category === 'OPEN');
  await api.ok(RECORD_DEAL_CHANGES, {
    input: [
      ...won.slice(0, 2).map((d) => ({ dealExternalId: d.ext, stage: 'NEGOTIATION', occurredAt: iso(Y + 320 * DAY) })),
      ...open.slice(0, 2).map((d) => ({ dealExternalId: d.ext, stage: 'LOST', occurredAt: iso(Y + 321 * DAY) })),
    ],
  });
  const pending = sc.mqlLeads.filter((l) => l.events.length === 1 && l.events[0].event === 'MQL');
  if (pending.length)
    await api.ok(RECORD_LEAD_EVENTS, {
      input: [
        { leadExternalId: pending[0].ext, event: 'REJECTED', reason: 'NO_BUDGET', occurredAt: iso(Y + 330 * DAY) },
      ],
    });
  await api.ok(UPSERT_CAMPAIGNS, { input: [{ externalId: 'C1', name: 'Campaign one, renamed', channel: 'WEBINAR' }] });
  await api.ok(`mutation($e: [String!]!) { archiveLeads(externalIds: $e) { successCount } }`, {
    e: [sc.mqlLeads[r.int(0, sc.mqlLeads.length - 1)].ext],
  });
}

/** The evaluator's counts as the rows the SQL returns. */
const asRows = (c: Counts): ProfileCountRow[] =>
  [...c].map(([k, v]) =>
    k === '*'
      ? { dimension: null, key: null, label: null, successes: v.s, failures: v.f }
      : {
          dimension: k.slice(0, k.indexOf(':')) as ProfileDimension,
          key: k.slice(k.indexOf(':') + 1),
          label: null,
          successes: v.s,
          failures: v.f,
        },
  );

const sorted = (rows: ProfileCountRow[]) =>
  [...rows].sort((a, b) => (`${a.dimension ?? ''}|${a.key ?? ''}` < `${b.dimension ?? ''}|${b.key ?? ''}` ? -1 : 1));

/**
 * The rollup answers as of now (it must) with the very rows of the on-the-fly statement — over the year, a period
 * with ragged ends and one inside a single day — and its tables equal a computation from scratch.
 */
async function expectRollupEqualsOnTheFly(ds: DataSource, step: string) {
  await expectClosingRollupExact(ds);
  const periods = [
    [Y, Y + 366 * DAY],
    [Y + 3.5 * 3_600_000, Y + 300 * DAY - 5 * 3_600_000],
    [Y + 100 * DAY + 7 * 3_600_000, Y + 100 * DAY + 9 * 3_600_000],
  ];
  for (const population of [ProfilePopulation.DEALS, ProfilePopulation.MQLS])
    for (const [from, to] of periods) {
      const q = checkProfileInput({
        population,
        from: new Date(from),
        to: new Date(to),
      } as Parameters<typeof checkProfileInput>[0]);
      const label = `${step} ${population} ${new Date(from).toISOString()}..${new Date(to).toISOString()}`;
      const rollup = await queryClosingRollup(ds, q);
      expect([label, rollup === null]).toEqual([label, false]);
      expect([label, sorted(rollup!)]).toEqual([label, sorted(await queryClosingProfile(ds, q))]);
    }
}

describe('closing profile against an evaluator of definitions.md §10', () => {
  for (const seed of [1, 2, 3]) {
    it(`history ${seed}: DEALS and MQLS, as of now and within the period: counts, sums and statistics`, async () => {
      const api = await startScratchApi(`closing_prop${seed}`);
      try {
        const sc = await loadScenario(api, seed);
        await expectRollupEqualsOnTheFly(api.ds, 'loaded');
        const to = Y + 366 * DAY;
        for (const population of [ProfilePopulation.DEALS, ProfilePopulation.MQLS]) {
          for (const asOf of [Date.now(), Y + 200 * DAY]) {
            for (const minSupport of [1, 5]) {
              const input = {
                population,
                from: new Date(Y).toISOString(),
                to: new Date(to).toISOString(),
                asOf: new Date(asOf).toISOString(),
                minSupport,
              };
              const got = (await api.ok(PROFILE, { input }, Role.ANALYST)).closingProfile;
              const counts =
                population === ProfilePopulation.DEALS
                  ? dealCounts(sc.deals, sc.leads, sc.touches, Y, to, asOf)
                  : mqlCounts(sc.mqlLeads, sc.touches, Y, to, asOf);
              const want = profileFromCounts(population, asRows(counts), minSupport, 0.95);
              const label = `${population} asOf ${new Date(asOf).toISOString()} minSupport ${minSupport}`;
              expect([label, got.successes, got.failures]).toEqual([label, want.successes, want.failures]);
              expect([label, got.signals.length]).toEqual([label, want.signals.length]);
              const strip = (x: object) => ({ ...x, label: undefined });
              expect([label, got.signals.map(strip)]).toEqual([label, want.signals.map(strip)]);
              if (minSupport === 1) {
                // every unit has exactly one value per dimension
                const dims = new Set(got.signals.map((x: { dimension: string }) => x.dimension));
                for (const d of dims) {
                  const of = got.signals.filter((x: { dimension: string }) => x.dimension === d);
                  const sum = of.reduce(
                    (a: number, x: { successes: number; failures: number }) => a + x.successes + x.failures,
                    0,
                  );
                  expect([label, d, sum]).toEqual([label, d, got.successes + got.failures]);
                }
                expect(got.successes + got.failures).toBeGreaterThan(5);
              }
            }
          }
        }
        await rewrite(api, sc, seed);
        await expectRollupEqualsOnTheFly(api.ds, 'rewritten');
      } finally {
        await api.close();
      }
    });
  }
});
