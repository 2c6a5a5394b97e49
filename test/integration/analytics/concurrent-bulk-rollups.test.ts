import { Role } from '../../../src/common/graphql/enums';
import { randomTools as rng } from '../../../src/seed/prng';
import { bulkLoad } from '../../support/bulk-load';
import { expectClosingRollupExact } from '../../support/closing-profile';
import {
  BulkOut,
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from '../../support/ops';
import { expectFunnelKpiMarkovEqualScratch } from '../../support/rollup-scratch';
import { startScratchApi, TestApi } from '../../support/test-server';

/**
 * Bulk writers in parallel, as a syncing script with several connections sends them: touches of overlapping leads on
 * overlapping days, and wins closing on shared days, all at once. Each writer brings every rollup up to date before it
 * commits, the shared day rows last (processDirtyRollups), so the writers must not lose one another's additions:
 * afterwards every rollup equals a computation from scratch. A call may still be refused as retryable (a deadlock or a
 * lock timeout that outlasted the service's own retries); the client sends it again, as scripts do.
 * Known gap, not covered here: a deal created while touches of its lead are written by another transaction. Neither
 * sees the other's uncommitted rows (the touch writer does not see the new deal link, nor the lead's new MQL reach it
 * implies; the deal writer does not see the touch), so the KPI hand-off and influence units of that lead can miss the
 * touch until the lead is written again.
 */
jest.setTimeout(180_000);

const DAY = 86_400_000;
const Y = Date.UTC(2025, 0, 1);
const iso = (t: number) => new Date(t).toISOString();
const LEADS = 40;

describe('rollups under parallel bulk writers', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startScratchApi('concurrent_bulk');
    await bulkLoad(api, [
      [UPSERT_ACCOUNTS, ['A', 'B'].map((externalId) => ({ externalId, name: externalId, industry: 'Software' }))],
      [
        UPSERT_CAMPAIGNS,
        ['C0', 'C1', 'C2', 'C3'].map((externalId, i) => ({
          externalId,
          name: externalId,
          channel: ['EMAIL', 'EVENT', 'PAID_SEARCH', 'WEBINAR'][i],
        })),
      ],
      [
        UPSERT_LEADS,
        Array.from({ length: LEADS }, (_, i) => ({
          externalId: `L${i}`,
          createdAt: iso(Y + (i % 20) * DAY),
          accountExternalId: i % 2 ? 'A' : 'B',
          source: i % 3 ? 'EMAIL' : 'EVENT',
        })),
      ],
      [
        RECORD_LEAD_EVENTS,
        Array.from({ length: LEADS / 2 }, (_, i) => ({
          leadExternalId: `L${2 * i}`,
          event: 'MQL',
          occurredAt: iso(Y + (30 + (i % 5)) * DAY),
        })),
      ],
    ]);
  });
  afterAll(() => api.close());

  const allRollupsExact = async () => {
    await expectFunnelKpiMarkovEqualScratch(api.ds);
    await expectClosingRollupExact(api.ds);
  };

  it('4 touch writers and a closer at once, 3 rounds: every rollup equals scratch', async () => {
    const r = rng(11);
    for (let round = 0; round < 3; round++) {
      const lead = () => `L${r.int(0, LEADS - 1)}`;
      const touches = (w: number) =>
        Array.from({ length: 60 }, (_, i) => ({
          externalId: `T${round}-${w}-${i}`,
          leadExternalId: lead(),
          campaignExternalId: `C${r.int(0, 3)}`,
          type: r.pick(['EMAIL_CLICK', 'WEBINAR_ATTENDED', 'WEB_VISIT']),
          occurredAt: iso(Y + r.int(0, 40) * DAY + r.int(0, 86_399) * 1000),
        }));
      const deals = Array.from({ length: 6 }, (_, i) => ({
        externalId: `D${round}-${i}`,
        name: `D${round}-${i}`,
        amount: 1000 * r.int(1, 9),
        createdAt: iso(Y + (45 + round) * DAY),
        accountExternalId: r.pick(['A', 'B']),
        leadExternalIds: [lead(), lead()],
      }));
      // wins of the previous round's deals, closing on a few shared days
      const wins = round
        ? Array.from({ length: 6 }, (_, i) => ({
            dealExternalId: `D${round - 1}-${i}`,
            stage: i % 3 ? 'WON' : 'LOST',
            occurredAt: iso(Y + (60 + (i % 2)) * DAY),
          }))
        : [];
      // the round's new deals first, on their own: a deal created while touches of its lead are written concurrently
      // is a known gap (see the describe's note)
      await api.ok(UPSERT_DEALS, { input: deals }, Role.SERVICE);
      const writes: [string, unknown[]][] = [
        ...[0, 1, 2, 3].map((w): [string, unknown[]] => [RECORD_TOUCHPOINTS, touches(w)]),
        ...(wins.length ? [[RECORD_DEAL_CHANGES, wins] as [string, unknown[]]] : []),
      ];
      // as a syncing script does: a call refused as retryable (a deadlock or lock timeout that outlasted the service's
      // own retries) is sent again; it is the same upsert, so sending it twice is safe
      const send = async ([doc, input]: [string, unknown[]]) => {
        for (let attempt = 1; ; attempt++) {
          const res = await api.gql(doc, { input }, Role.SERVICE);
          const retryable = res.body.errors?.every((e: any) => e.extensions?.retryable);
          if (!retryable || attempt === 8) return res;
        }
      };
      const results = await Promise.all(writes.map(send));
      for (const res of results) {
        expect(res.body.errors ?? null).toBeNull();
        const out = Object.values(res.body.data ?? {})[0] as BulkOut;
        expect(out.results.filter((x) => !x.success)).toEqual([]);
      }
      await allRollupsExact();
    }
  });
});
