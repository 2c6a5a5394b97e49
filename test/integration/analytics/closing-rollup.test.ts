import { Role } from '../../../src/common/graphql/enums';
import { TransactionRunner } from '../../../src/db/transaction';
import { serviceTransactions } from '../../../src/container';
import { queryClosingRollup } from '../../../src/modules/analytics/closing-profile/closing-rollup.query';
import { checkProfileInput } from '../../../src/modules/analytics/closing-profile/closing-profile.service';
import { ProfilePopulation } from '../../../src/modules/analytics/closing-profile/closing-profile.types';
import { bulkLoad } from '../../support/bulk-load';
import {
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from '../../support/ops';
import { startScratchApi, TestApi } from '../../support/test-server';
import { expectClosingRollupExact, PROFILE } from '../../support/closing-profile';
import { randomTools as rng } from '../../../src/seed/prng';

/**
 * The closing profile's rollup under the writes that change its units at once — concurrent requests on the same leads,
 * deals and account (a touch and a new link to its lead's deal among them) — and after a script that wrote without the
 * service's steps: no request fails, the stored units and day rows always equal a computation from scratch, and the
 * API answers on the fly (with the same numbers) while writes are pending.
 */
jest.setTimeout(180_000);

const DAY = 86_400_000;
const Y = Date.UTC(2024, 0, 1);
const iso = (t: number) => new Date(t).toISOString();
const expectRollupExact = (api: TestApi) => expectClosingRollupExact(api.ds);

describe('closing rollup', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startScratchApi('closing_rollup');
    await bulkLoad(api, [
      [UPSERT_ACCOUNTS, ['A', 'B'].map((externalId) => ({ externalId, name: externalId, industry: 'Software' }))],
      [UPSERT_CAMPAIGNS, ['C0', 'C1'].map((externalId) => ({ externalId, name: externalId, channel: 'EMAIL' }))],
      [
        UPSERT_LEADS,
        Array.from({ length: 12 }, (_, i) => ({
          externalId: `L${i}`,
          createdAt: iso(Y + i * DAY),
          accountExternalId: i % 2 ? 'A' : 'B',
          title: 'Engineer',
        })),
      ],
      [
        RECORD_LEAD_EVENTS,
        Array.from({ length: 12 }, (_, i) => ({
          leadExternalId: `L${i}`,
          event: 'MQL',
          occurredAt: iso(Y + 20 * DAY),
        })),
      ],
      [
        UPSERT_DEALS,
        Array.from({ length: 4 }, (_, i) => ({
          externalId: `D${i}`,
          name: `D${i}`,
          amount: 1000 * (i + 1),
          createdAt: iso(Y + 30 * DAY),
          accountExternalId: 'A',
          leadExternalIds: [`L${i}`],
        })),
      ],
      [
        RECORD_DEAL_CHANGES,
        Array.from({ length: 4 }, (_, i) => ({
          dealExternalId: `D${i}`,
          stage: i % 2 ? 'LOST' : 'WON',
          occurredAt: iso(Y + 60 * DAY),
        })),
      ],
    ]);
  });
  afterAll(() => api.close());

  it('concurrent writes of the same units: none fails, the rollup equals a computation from scratch after each round', async () => {
    const r = rng(7);
    for (let round = 0; round < 6; round++) {
      const lead = () => `L${r.int(0, 11)}`;
      const writes: [string, unknown[]][] = [
        ...Array.from({ length: 6 }, (_, i): [string, unknown[]] => [
          RECORD_TOUCHPOINTS,
          [
            {
              externalId: `T${round}-${i}`,
              leadExternalId: lead(),
              campaignExternalId: r.pick(['C0', 'C1']),
              type: 'OTHER',
              occurredAt: iso(Y + r.int(-30, 59) * DAY),
            },
          ],
        ]),
        // a new link to a closed deal, while touches of that lead are written
        [
          UPSERT_DEALS,
          [{ externalId: `D${r.int(0, 3)}`, name: 'D', leadExternalIds: [lead(), lead()], amount: r.int(1, 9) * 1000 }],
        ],
        [
          UPSERT_ACCOUNTS,
          [{ externalId: 'A', name: 'A', industry: r.pick(['Software', 'Retail']), employees: r.int(1, 900) }],
        ],
        [
          UPSERT_LEADS,
          [{ externalId: lead(), title: r.pick(['VP Sales', 'Engineer', 'Head of IT']), score: r.int(0, 99) }],
        ],
        [
          RECORD_DEAL_CHANGES,
          [
            {
              dealExternalId: `D${r.int(0, 3)}`,
              stage: r.pick(['WON', 'LOST', 'NEGOTIATION']),
              occurredAt: iso(Y + (61 + round) * DAY),
            },
          ],
        ],
        [
          RECORD_LEAD_EVENTS,
          [
            {
              leadExternalId: lead(),
              event: r.pick(['SAL', 'REJECTED']),
              reason: 'BAD_FIT',
              occurredAt: iso(Y + (25 + round) * DAY),
            },
          ],
        ],
      ];
      const results = await Promise.all(writes.map(([doc, input]) => api.gql(doc, { input }, Role.SERVICE)));
      for (const res of results) expect(res.body.errors ?? null).toBeNull();
      await expectRollupExact(api);
    }
    const profile = await api.ok(
      PROFILE,
      { input: { population: 'DEALS', from: iso(Y), to: iso(Y + 366 * DAY), minSupport: 1 } },
      Role.ANALYST,
    );
    expect(profile.closingProfile.successes + profile.closingProfile.failures).toBeGreaterThan(0);
  });

  it('a script without the service steps leaves units pending: the API answers on the fly, the next write applies them', async () => {
    const input = { population: 'MQLS', from: iso(Y), to: iso(Y + 366 * DAY), minSupport: 1 };
    const before = (await api.ok(PROFILE, { input }, Role.ANALYST)).closingProfile;
    await new TransactionRunner(api.ds).run((tx) =>
      tx.query(`UPDATE accounts SET industry = 'Mining' WHERE external_id = 'B'`),
    );
    const q = checkProfileInput({
      population: ProfilePopulation.MQLS,
      from: new Date(input.from),
      to: new Date(input.to),
    } as never);
    expect(await queryClosingRollup(api.ds, q)).toBeNull(); // pending: the rollup does not answer
    const pending = (await api.ok(PROFILE, { input }, Role.ANALYST)).closingProfile;
    expect(pending.signals.some((s: { key: string }) => s.key === 'Mining')).toBe(true);
    expect([pending.successes, pending.failures]).toEqual([before.successes, before.failures]);
    await serviceTransactions(api.ds).run(async () => undefined);
    expect(await queryClosingRollup(api.ds, q)).not.toBeNull();
    expect((await api.ok(PROFILE, { input }, Role.ANALYST)).closingProfile).toEqual(pending);
    await expectRollupExact(api);
  });
});
