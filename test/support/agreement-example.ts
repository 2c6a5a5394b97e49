import { bulkLoad } from './bulk-load';
import {
  RECORD_DEAL_CHANGES,
  RECORD_LEAD_EVENTS,
  RECORD_TOUCHPOINTS,
  UPSERT_ACCOUNTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from './ops';
import { TestApi } from './test-server';

/** Worked example 3's definition "Fit + engagement v1" (docs/definitions.md §8), as a QualificationDefinitionInput. */
export const EXAMPLE_DEFINITION = {
  name: 'Fit + engagement v1',
  fitRules: [
    { attribute: 'INDUSTRY', op: 'IN', values: ['Software', 'Finance'], points: 30 },
    { attribute: 'EMPLOYEES', op: 'BETWEEN', min: 100, max: 5000, points: 20 },
    { attribute: 'TITLE', op: 'CONTAINS_ANY', values: ['vp', 'head', 'chief', 'director'], points: 25 },
    { attribute: 'TITLE', op: 'CONTAINS_ANY', values: ['student'], points: -50 },
    { attribute: 'REGION', op: 'NOT_IN', values: ['APAC'], points: 5 },
  ],
  engagementRules: [
    { touchType: 'WEBINAR_ATTENDED', points: 40 },
    { touchType: 'FORM_SUBMISSION', points: 30 },
    { touchType: 'EMAIL_CLICK', points: 10, maxCount: 2 },
    { channel: 'PAID_SEARCH', points: 5 },
  ],
  fitThreshold: 50,
  engagementThreshold: 40,
  engagementWindowDays: 30,
  engagementHalfLifeDays: 14,
  responseSlaHours: 24,
};

/** The example's accounts (AC1…AC4) as AccountInputs, external ids prefixed by p. */
export const exampleAccounts = (p: string) => [
  { externalId: `${p}-AC1`, name: 'Acme', industry: 'Software', region: 'EMEA', employees: 250 },
  { externalId: `${p}-AC2`, name: 'Bolt', industry: 'Retail', region: 'NA', employees: 40 },
  { externalId: `${p}-AC3`, name: 'Cobalt', industry: 'software', region: 'NA', employees: 1200 },
  { externalId: `${p}-AC4`, name: 'Dune', region: 'APAC' },
];

/**
 * Worked example 3 (docs/examples/agreement-3.md in the team's shared folder; its numbers are in the test) in a year
 * of the caller's choice: all instants are month-day-hour in that year, at 12:00 UTC unless given.
 */
export async function loadAgreementExample(api: TestApi, p: string, year: number): Promise<void> {
  const at = (md: string, hm = '12:00') => `${year}-${md}T${hm}:00.000Z`;
  const leads: [string, string, string, string, string | null, number | null][] = [
    ['Q1', '03-01', 'WEBINAR', 'AC1', 'VP Marketing', 80],
    ['Q2', '03-02', 'PAID_SEARCH', 'AC2', 'Marketing Manager', 30],
    ['Q3', '03-03', 'EMAIL', 'AC3', 'Head of Sales', 55],
    ['Q4', '03-04', 'EMAIL', 'AC4', 'Student', 10],
    ['Q5', '03-05', 'WEBINAR', 'AC1', 'Chief Revenue Officer', null],
    ['Q6', '04-20', 'PAID_SEARCH', 'AC3', null, 60],
  ];
  const touches: [string, string, string, string, string][] = [
    ['T01', 'Q1', 'WEB1', 'WEBINAR_ATTENDED', '03-05'],
    ['T02', 'Q1', 'EM1', 'EMAIL_CLICK', '03-10'],
    ['T03', 'Q2', 'PS1', 'AD_CLICK', '03-02'],
    ['T04', 'Q2', 'EM1', 'EMAIL_CLICK', '03-20'],
    ['T05', 'Q2', 'EM1', 'EMAIL_CLICK', '03-21'],
    ['T06', 'Q2', 'EM1', 'EMAIL_CLICK', '03-22'],
    ['T07', 'Q3', 'EM1', 'EMAIL_CLICK', '03-04'],
    ['T13', 'Q3', 'EM1', 'EMAIL_CLICK', '04-01'],
    ['T14', 'Q3', 'EM1', 'EMAIL_CLICK', '04-08'],
    ['T08', 'Q3', 'EM1', 'FORM_SUBMISSION', '04-10'],
    ['T09', 'Q4', 'EM1', 'CONTENT_DOWNLOAD', '03-05'],
    ['T10', 'Q4', 'WEB1', 'WEBINAR_ATTENDED', '03-06'],
    ['T11', 'Q5', 'WEB1', 'WEBINAR_ATTENDED', '03-06'],
    ['T12', 'Q6', 'PS1', 'FORM_SUBMISSION', '04-21'],
  ];
  const events: [string, string, string, string?, string?][] = [
    ['Q1', 'MQL', at('03-06')],
    ['Q1', 'SAL', at('03-06', '20:00')],
    ['Q1', 'SQL', at('03-15')],
    ['Q2', 'MQL', at('03-03')],
    ['Q2', 'REJECTED', at('03-05'), 'BAD_FIT'],
    ['Q3', 'MQL', at('04-10')],
    ['Q3', 'SQL', at('04-12')],
    ['Q4', 'MQL', at('03-06')],
    ['Q4', 'REJECTED', at('03-06', '15:00'), 'BAD_FIT'],
    ['Q6', 'MQL', at('04-21')],
  ];
  await bulkLoad(api, [
    [UPSERT_ACCOUNTS, exampleAccounts(p)],
    [
      UPSERT_CAMPAIGNS,
      [
        { externalId: `${p}-WEB1`, name: `${p} WEB1`, channel: 'WEBINAR' },
        { externalId: `${p}-EM1`, name: `${p} EM1`, channel: 'EMAIL' },
        { externalId: `${p}-PS1`, name: `${p} PS1`, channel: 'PAID_SEARCH' },
      ],
    ],
    [
      UPSERT_LEADS,
      leads.map(([x, md, source, account, title, score]) => ({
        externalId: `${p}-${x}`,
        createdAt: at(md),
        source,
        accountExternalId: `${p}-${account}`,
        ...(title ? { title } : {}),
        ...(score != null ? { score } : {}),
      })),
    ],
    [
      RECORD_TOUCHPOINTS,
      touches.map(([t, lead, campaign, type, md]) => ({
        externalId: `${p}-${t}`,
        leadExternalId: `${p}-${lead}`,
        campaignExternalId: `${p}-${campaign}`,
        type,
        occurredAt: at(md),
      })),
    ],
    [
      RECORD_LEAD_EVENTS,
      events.map(([lead, event, occurredAt, reason]) => ({
        leadExternalId: `${p}-${lead}`,
        event,
        occurredAt,
        ...(reason ? { reason } : {}),
      })),
    ],
    [
      UPSERT_DEALS,
      [
        {
          externalId: `${p}-QD1`,
          name: 'QD1',
          amount: 30000,
          leadExternalIds: [`${p}-Q1`],
          accountExternalId: `${p}-AC1`,
          createdAt: at('03-20'),
        },
      ],
    ],
    [RECORD_DEAL_CHANGES, [{ dealExternalId: `${p}-QD1`, stage: 'WON', occurredAt: at('05-10') }]],
  ]);
}
