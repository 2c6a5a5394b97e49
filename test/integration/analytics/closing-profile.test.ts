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
});
