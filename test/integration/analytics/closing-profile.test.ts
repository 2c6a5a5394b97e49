import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../../src/common/graphql/enums';
import { bulkLoad } from '../../support/bulk-load';
import {
  RECORD_DEAL_CHANGES,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
  UPSERT_USERS,
} from '../../support/ops';
import { startScratchApi, TestApi } from '../../support/test-server';
import { tokenFor } from '../../support/tokens';
import { PROFILE } from '../../support/closing-profile';

/**
 * Worked example 4 (docs/examples/closing-profile-4.json: data, query and the answer of an independent evaluator using
 * scipy): loaded through the API as it is, into a database of its own (the profile counts every deal closed in 2024),
 * and the closing profile compared signal by signal — counts exactly, every float to 1e-9 relative.
 */
jest.setTimeout(120_000);

const example = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'examples', 'closing-profile-4.json'), 'utf8'),
);
const s = example.scenario;
const nonNull = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v != null));

/** Loads example 4's scenario through the bulk mutations. */
async function loadClosingExample(api: TestApi): Promise<void> {
  // users are ADMIN's to create (definitions.md §7); the rest goes in as a sync script sends it
  await api.ok(UPSERT_USERS, { input: s.users.map((u: { email: string }) => ({ email: u.email, role: 'SALES' })) });
  await bulkLoad(api, [
    [UPSERT_ACCOUNTS, s.accounts.map(nonNull)],
    [UPSERT_CAMPAIGNS, s.campaigns],
    [
      UPSERT_LEADS,
      s.leads.map((l: Record<string, unknown>) =>
        nonNull({
          externalId: l.externalId,
          createdAt: l.createdAt,
          source: l.source,
          accountExternalId: l.account,
          title: l.title,
          score: l.score,
        }),
      ),
    ],
    [
      RECORD_TOUCHPOINTS,
      s.touchpoints.map((t: Record<string, string>) => ({
        externalId: t.externalId,
        leadExternalId: t.lead,
        campaignExternalId: t.campaign,
        type: t.type,
        occurredAt: t.at,
      })),
    ],
    [
      UPSERT_DEALS,
      s.deals.map((d: Record<string, unknown>) =>
        nonNull({
          externalId: d.externalId,
          name: d.externalId,
          amount: d.amount,
          leadExternalIds: d.leads,
          accountExternalId: d.account,
          ownerEmail: d.owner,
          createdAt: d.createdAt,
        }),
      ),
    ],
    [
      RECORD_DEAL_CHANGES,
      s.dealEvents.map((e: Record<string, string>) => ({ dealExternalId: e.deal, stage: e.stage, occurredAt: e.at })),
    ],
  ]);
}

/** Equal to 1e-9 relative (absolute at 0). */
const close = (got: number, want: number) => Math.abs(got - want) <= 1e-9 * Math.max(Math.abs(want), 1e-300);

describe('worked example 4: which deals close (definitions.md §10)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startScratchApi('closing4');
    await loadClosingExample(api);
  });
  afterAll(() => api?.close());

  it('every signal equals the independent evaluator: counts exact, floats to 1e-9, in its order', async () => {
    const out = (await api.ok(PROFILE, { input: example.query }, Role.ANALYST)).closingProfile;
    const want = example.expected;
    expect([out.population, out.successes, out.failures]).toEqual([example.query.population, 42, 48]);
    expect(out.baseRate).toEqual(want.baseRate);
    expect(out.signals.map((x: { dimension: string; key: string }) => `${x.dimension}:${x.key}`)).toEqual(
      want.signals.map((x: { dimension: string; key: string }) => `${x.dimension}:${x.key}`),
    );
    const floats = ['rateLow', 'rateHigh', 'oddsRatio', 'oddsRatioLow', 'oddsRatioHigh', 'pValue', 'qValue', 'lift'];
    out.signals.forEach((g: Record<string, any>, i: number) => {
      const w = want.signals[i];
      expect([g.key, g.successes, g.failures, g.rate]).toEqual([w.key, w.successes, w.failures, w.rate]);
      for (const f of floats) expect([g.dimension, g.key, f, close(g[f], w[f])]).toEqual([w.dimension, w.key, f, true]);
    });
    // the campaign's label is its name; other values are their own label
    expect(out.signals[0]).toMatchObject({ key: 'K0', label: 'Campaign K0' });
  });

  it('bad input is BAD_USER_INPUT with the field, never a 500', async () => {
    const base = { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' };
    for (const [input, field] of [
      [{ ...base, confidence: 1 }, 'confidence'],
      [{ ...base, confidence: 0 }, 'confidence'],
      [{ ...base, minSupport: 0 }, 'minSupport'],
      [{ ...base, dimensions: [] }, 'dimensions'],
      [{ ...base, population: 'MQLS', dimensions: ['AMOUNT_BAND'] }, 'dimensions'],
      [{ ...base, to: base.from }, 'to'],
    ] as const) {
      const r = await api.gql(PROFILE, { input }, Role.ANALYST);
      expect(r.status).toBe(200);
      expect([field, r.body.errors?.[0]?.extensions?.code, r.body.errors?.[0]?.extensions?.field]).toEqual([
        field,
        'BAD_USER_INPUT',
        field,
      ]);
    }
  });

  it('a subset of dimensions, minSupport and confidence change only what they should', async () => {
    const q = { ...example.query, dimensions: ['INDUSTRY'], minSupport: 20, confidence: 0.99 };
    const out = (await api.ok(PROFILE, { input: q }, Role.SALES)).closingProfile;
    // INDUSTRY values with at least 20 deals: Software (26), Retail (29), Finance (20)
    expect(out.signals.map((x: { key: string }) => x.key).sort()).toEqual(['Finance', 'Retail', 'Software']);
    const software = out.signals.find((x: { key: string }) => x.key === 'Software');
    const at95 = example.expected.signals.find((x: { key: string }) => x.key === 'Software');
    expect(software.pValue).toBeCloseTo(at95.pValue, 15);
    expect(software.rateLow).toBeLessThan(at95.rateLow);
    expect(software.oddsRatioHigh).toBeGreaterThan(at95.oddsRatioHigh);
  });

  it('GET /export/closing-profile.csv and .json: the signals as flat rows in the report order, the population last', async () => {
    const origin = api.server.url.replace('/graphql', '');
    const q = example.query;
    // as a spreadsheet sends it: lists comma-separated, enums in any case
    const qs = new URLSearchParams({
      population: 'deals',
      from: q.from,
      to: q.to,
      asOf: q.asOf,
      dimensions: q.dimensions.join(','),
      minSupport: '5',
    });
    const headers = { authorization: `Bearer ${tokenFor(Role.ANALYST)}` };
    const csv = await fetch(`${origin}/export/closing-profile.csv?${qs}`, { headers });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0].split(',').slice(0, 6)).toEqual([
      'population',
      'dimension',
      'key',
      'label',
      'successes',
      'failures',
    ]);
    expect(lines).toHaveLength(1 + example.expected.signals.length + 1);
    expect(lines[1].split(',').slice(0, 6)).toEqual(['DEALS', 'FIRST_TOUCH_CAMPAIGN', 'K0', 'Campaign K0', '0', '10']);
    const json = (await (await fetch(`${origin}/export/closing-profile.json?${qs}`, { headers })).json()) as {
      rows: Record<string, unknown>[];
    };
    expect(json.rows[1]).toMatchObject({ dimension: 'INDUSTRY', key: 'Software', successes: 19, failures: 7 });
    expect(json.rows.at(-1)).toMatchObject({ dimension: 'POPULATION', key: 'TOTAL', successes: 42, failures: 48 });
    const bad = await fetch(
      `${origin}/export/closing-profile.csv?${new URLSearchParams({ from: q.from, to: q.to, confidence: '2' })}`,
      {
        headers,
      },
    );
    expect(bad.status).toBe(400);
  });

  it('bi.closing_units holds the same units: its counts per dimension value equal the API (minSupport 1)', async () => {
    const out = (await api.ok(PROFILE, { input: { ...example.query, minSupport: 1 } }, Role.ANALYST)).closingProfile;
    const columns: Record<string, string> = {
      INDUSTRY: 'industry',
      REGION: 'region',
      EMPLOYEES_BAND: 'employees_band',
      TITLE_SENIORITY: 'title_seniority',
      SOURCE: 'source',
      FIRST_TOUCH_CHANNEL: 'first_touch_channel',
      FIRST_TOUCH_CAMPAIGN: 'first_touch_campaign',
      OWNER: "coalesce((SELECT email FROM users WHERE id = c.owner_id), 'UNASSIGNED')",
      AMOUNT_BAND: 'amount_band',
      SCORE_BAND: 'score_band',
    };
    const fromView: string[] = [];
    for (const [d, col] of Object.entries(columns)) {
      const rows = (await api.ds.query(
        `SELECT ${col} AS key, count(*) FILTER (WHERE success)::int AS s, count(*) FILTER (WHERE NOT success)::int AS f
         FROM bi.closing_units c WHERE population = 'DEALS' AND at >= $1 AND at < $2 GROUP BY 1`,
        [example.query.from, example.query.to],
      )) as { key: string; s: number; f: number }[];
      fromView.push(...rows.map((r) => `${d}:${r.key}:${r.s}:${r.f}`));
    }
    const fromApi = out.signals.map(
      (x: { dimension: string; key: string; successes: number; failures: number }) =>
        `${x.dimension}:${x.key}:${x.successes}:${x.failures}`,
    );
    expect(fromView.sort()).toEqual(fromApi.sort());
  });
});
