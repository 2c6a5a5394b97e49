import { bulkLoad } from './bulk-load';
import {
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  RECORD_SPEND,
  RECORD_TOUCHPOINTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from './ops';
import { TestApi } from './test-server';

/**
 * The bi_reader role's password in every test file: the role belongs to the whole server, so files setting different
 * passwords at once would lock each other out.
 */
export const BI_READER_TEST_PASSWORD = 'bi7Qx2Lr9Vt4Kp8Zm3Wn6Hs'; // strong enough for a production configuration

/** Years no other test writes: 1972 the BI views test, 1973 the exports test (1974 sync-deals, 1975 subscriptions). */
export const biYear = (year: number) => ({ from: `${year}-01-01T00:00:00Z`, to: `${year + 1}-01-01T00:00:00Z` });

/**
 * A small funnel in a year (a leap year or not: same days; external ids prefixed by p): two campaigns with spend, leads from three sources with
 * hand-offs, touchpoints, and deals that are won, lost and open, so every KPI and attribution row has something in it.
 */
export async function loadBiExample(api: TestApi, p: string, year: number): Promise<void> {
  const day = (md: string, h = 12) => `${year}-${md}T${String(h).padStart(2, '0')}:00:00.000Z`;
  const leads: [string, string | null, string][] = [
    ['A', 'EMAIL', '01-10'],
    ['B', 'EMAIL', '02-01'],
    ['C', 'PAID_SEARCH', '02-15'],
    ['D', null, '03-01'],
    ['E', 'PAID_SEARCH', '03-20'],
    ['F', 'EMAIL', '12-31'],
  ];
  const events: [string, string, string][] = [
    ['A', 'MQL', '01-12'],
    ['A', 'SQL', '01-20'],
    ['B', 'MQL', '02-03'],
    ['C', 'SAL', '02-20'],
    ['D', 'MQL', '03-02'],
    ['E', 'MQL', '03-21'],
    ['E', 'SQL', '04-02'],
  ];
  const deals: [string, string[], number, string, [string, string][]][] = [
    [
      '1',
      ['A'],
      12000.5,
      '01-25',
      [
        ['PROPOSAL', '02-10'],
        ['WON', '03-01'],
      ],
    ],
    ['2', ['C', 'B'], 8000, '02-25', [['WON', '05-05']]],
    ['3', ['E'], 3000.25, '04-05', [['LOST', '06-30']]],
    ['4', ['D'], 999.99, '04-10', [['DISCOVERY', '05-01']]],
  ];
  await bulkLoad(api, [
    [
      UPSERT_CAMPAIGNS,
      [
        { externalId: `${p}-C1`, name: `${p} newsletter`, channel: 'EMAIL' },
        { externalId: `${p}-C2`, name: `${p} search`, channel: 'PAID_SEARCH' },
      ],
    ],
    [
      RECORD_SPEND,
      [
        { campaignExternalId: `${p}-C1`, day: day('01-01', 0), amount: 500 },
        { campaignExternalId: `${p}-C2`, day: day('02-01', 0), amount: 1200.4 },
        { campaignExternalId: `${p}-C2`, day: day('12-31', 0), amount: 99.6 },
      ],
    ],
    [
      UPSERT_LEADS,
      leads.map(([x, source, md]) => ({ externalId: `${p}-L${x}`, createdAt: day(md), ...(source ? { source } : {}) })),
    ],
    [
      RECORD_LEAD_EVENTS,
      events.map(([x, event, md]) => ({ leadExternalId: `${p}-L${x}`, event, occurredAt: day(md, 15) })),
    ],
    [
      RECORD_TOUCHPOINTS,
      [
        ['1', 'A', 'C1', '01-11'],
        ['2', 'A', 'C2', '01-21'],
        ['3', 'B', 'C1', '02-02'],
        ['4', 'C', 'C2', '02-16'],
        ['5', 'E', 'C2', '03-22'],
      ].map(([n, x, c, md]) => ({
        externalId: `${p}-T${n}`,
        leadExternalId: `${p}-L${x}`,
        campaignExternalId: `${p}-${c}`,
        type: 'WEB_VISIT',
        occurredAt: day(md, 9),
      })),
    ],
    [
      UPSERT_DEALS,
      deals.map(([n, ls, amount, md]) => ({
        externalId: `${p}-D${n}`,
        name: `${p} deal ${n}`,
        amount,
        leadExternalIds: ls.map((x) => `${p}-L${x}`),
        createdAt: day(md),
      })),
    ],
    [
      RECORD_DEAL_CHANGES,
      deals.flatMap(([n, , , , changes]) =>
        changes.map(([stage, md]) => ({ dealExternalId: `${p}-D${n}`, stage, occurredAt: day(md, 16) })),
      ),
    ],
  ]);
}
