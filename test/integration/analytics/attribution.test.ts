import { Role } from '../../../src/common/graphql/enums';
import { attributionExample2 } from '../../support/attribution-example';
import { attribution } from '../../../src/modules/analytics/attribution/attribution.service';
import { RULE_BASED_MODELS } from '../../../src/modules/analytics/attribution/attribution-models';
import {
  RECORD_DEAL_CHANGES,
  RECORD_SPEND,
  RECORD_TOUCHPOINTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from '../../support/ops';
import { bulkLoad } from '../../support/bulk-load';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const RATIO = '{ numerator denominator value }';
const ATTRIBUTION = `query($input: AttributionInput!) { attribution(input: $input) {
  model wonDeals revenue attributedRevenue unattributedRevenue unattributedDeals
  rows { key label channel campaign { externalId name } revenue deals touchpoints spend roi ${RATIO} roas ${RATIO} } } }`;

/** docs/examples/attribution-2.md: revenue / deals per campaign and model (C1..C4). */
const EXPECTED: Record<string, [number, number][]> = {
  FIRST_TOUCH: [
    [0, 0],
    [16000, 2],
    [4000, 1],
    [0, 0],
  ],
  LAST_TOUCH: [
    [6000, 1],
    [0, 0],
    [14000, 2],
    [0, 0],
  ],
  LINEAR: [
    [5000, 0.7],
    [5000, 0.7],
    [8000, 1.4],
    [2000, 0.2],
  ],
  U_SHAPED: [
    [5200, 0.6],
    [8800, 1.2],
    [5333.33, 1.1333],
    [666.67, 0.0667],
  ],
  W_SHAPED: [
    [5000, 0.6333],
    [7000, 0.9667],
    [5000, 1.1],
    [3000, 0.3],
  ],
  FULL_PATH: [
    [5250, 0.725],
    [5250, 0.725],
    [7250, 1.325],
    [2250, 0.225],
  ],
  TIME_DECAY: [
    [5675.1, 0.9365],
    [551.28, 0.0862],
    [12531.34, 1.8531],
    [1242.29, 0.1242],
  ],
  MARKOV: [
    [5744.68, 0.8617],
    [5744.68, 0.8617],
    [6382.98, 0.9574],
    [2127.66, 0.3191],
  ],
  SHAPLEY: [
    [5500, 0.75],
    [5500, 0.75],
    [6500, 1.25],
    [2500, 0.25],
  ],
};
const cents = (x: number) => Math.round(x * 100) / 100;

describe('Query.attribution: worked example 2', () => {
  let api: TestApi;
  let e: ReturnType<typeof attributionExample2>;
  let p: string;
  beforeAll(async () => {
    api = await startTestApi();
    p = unique('attr');
    e = attributionExample2(p);
    await bulkLoad(api, [
      [UPSERT_CAMPAIGNS, e.campaigns],
      [RECORD_SPEND, e.spend],
      [UPSERT_LEADS, e.leads],
      [RECORD_TOUCHPOINTS, e.touchpoints],
      [UPSERT_DEALS, e.deals],
      [RECORD_DEAL_CHANGES, e.dealChanges],
    ]);
  });
  afterAll(() => api.close());
  const run = async (input: Record<string, unknown>) =>
    (await api.ok(ATTRIBUTION, { input: { ...e.input, ...input } }, Role.ANALYST)).attribution;

  it.each(Object.keys(EXPECTED))('%s: rows to the cent, invariants hold', async (model) => {
    const r = await run({ model });
    expect([r.wonDeals, r.revenue, r.attributedRevenue, r.unattributedRevenue, r.unattributedDeals]).toEqual([
      4, 22000, 20000, 2000, 1,
    ]);
    const byName = Object.fromEntries(r.rows.map((row: any) => [row.campaign.name, row]));
    expect(['C1', 'C2', 'C3', 'C4'].map((c) => [cents(byName[c].revenue), Number(byName[c].deals.toFixed(4))])).toEqual(
      EXPECTED[model],
    );
    expect(['C1', 'C2', 'C3', 'C4', 'C5'].map((c) => [byName[c].touchpoints, byName[c].spend])).toEqual([
      [2, 1000],
      [2, 2000],
      [3, 0],
      [1, 0],
      [0, 500],
    ]);
    // C5: spend and no credit still has a row, so wasted spend is visible
    expect(byName.C5).toMatchObject({
      revenue: 0,
      deals: 0,
      channel: 'PAID_SOCIAL',
      label: 'C5',
      roi: { numerator: -500, denominator: 500, value: -1 },
      roas: { value: 0 },
    });
    expect(cents(r.rows.reduce((n: number, row: any) => n + row.revenue, 0) + r.unattributedRevenue)).toBe(r.revenue);
    expect(r.rows.reduce((n: number, row: any) => n + row.deals, 0) + r.unattributedDeals).toBeCloseTo(r.wonDeals, 9);
    expect(r.rows.map((row: any) => row.key)).toEqual(
      r.rows.map((row: any) => row.key).filter((k: string, i: number, a: string[]) => a.indexOf(k) === i),
    );
  });

  it('the per-deal credit rollup (asOf now, default windows) gives the same report as the on-the-fly SQL, to the cent', async () => {
    expect((await api.ds.query(`SELECT EXISTS (SELECT 1 FROM attribution_dirty) AS stale`))[0].stale).toBe(false);
    const [{ n }] = await api.ds.query(
      `SELECT count(*)::int AS n FROM attribution_credit c JOIN deals d ON d.id = c.deal_id WHERE d.external_id = $1`,
      [`${p}-DA`],
    );
    expect(n).toBe(5);
    const base = { from: new Date(e.input.from), to: new Date(e.input.to), lookbackDays: 365, halfLifeDays: 7 };
    for (const model of RULE_BASED_MODELS) {
      const rolled = await attribution(api.ds, { ...base, model });
      const fresh = await attribution(api.ds, { ...base, model }, { rollup: false });
      const r6 = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);
      const ratio = (x: { numerator: number; denominator: number; value: number | null }) => ({
        numerator: r6(x.numerator),
        denominator: x.denominator,
        value: r6(x.value),
      });
      const view = (r: typeof rolled) => ({
        ...r,
        asOf: null,
        rows: r.rows.map((x) => ({
          ...x,
          revenue: cents(x.revenue),
          deals: Number(x.deals.toFixed(9)),
          roi: ratio(x.roi),
          roas: ratio(x.roas),
        })),
      });
      expect(view(rolled)).toEqual(view(fresh));
    }
  });

  it('one SQL statement per report: campaigns are embedded for the labels (on the fly, and from the rollup as of now)', async () => {
    for (const input of [
      { ...e.input, model: 'W_SHAPED' },
      { from: e.input.from, to: e.input.to, model: 'W_SHAPED' },
      { from: '2017-03-01T12:00:00Z', to: e.input.to, model: 'LINEAR' },
    ]) {
      const r = await api.gql(ATTRIBUTION, { input }, Role.ANALYST);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data!.attribution.rows.find((x: any) => x.campaign?.name === 'C1')).toMatchObject({
        label: 'C1',
        channel: 'WEBINAR',
      });
      expect([input, Number(r.headers.get('x-sql-statements'))]).toEqual([input, 1]);
    }
  });

  it('ROI and ROAS of C1 under LINEAR: 4 and 5', async () => {
    const c1 = (await run({ model: 'LINEAR' })).rows.find((row: any) => row.campaign.name === 'C1');
    expect(c1).toMatchObject({
      label: 'C1',
      channel: 'WEBINAR',
      roi: { numerator: 4000, denominator: 1000, value: 4 },
      roas: { numerator: 5000, denominator: 1000, value: 5 },
    });
  });

  it('by channel: one row per channel, same totals; a channel row has no campaign', async () => {
    const r = await run({ model: 'LINEAR', groupBy: 'CHANNEL' });
    const byKey = Object.fromEntries(r.rows.map((row: any) => [row.key, row]));
    expect(
      ['WEBINAR', 'PAID_SEARCH', 'EMAIL', 'EVENT', 'PAID_SOCIAL'].map((k) => [
        k,
        cents(byKey[k].revenue),
        byKey[k].spend,
      ]),
    ).toEqual([
      ['WEBINAR', 5000, 1000],
      ['PAID_SEARCH', 5000, 2000],
      ['EMAIL', 8000, 0],
      ['EVENT', 2000, 0],
      ['PAID_SOCIAL', 0, 500],
    ]);
    expect(byKey.PAID_SEARCH).toMatchObject({ channel: 'PAID_SEARCH', label: 'Paid search', campaign: null });
  });

  it('asOf before a win: the deal is not won yet; a lookback of 0 days leaves DA with its touches from its creation on', async () => {
    const early = await run({ model: 'LINEAR', asOf: '2017-03-12T12:00:00Z' });
    expect([early.wonDeals, early.revenue]).toEqual([2, 14000]); // DA, DB; DC and DD close later
    const short = await run({ model: 'LINEAR', lookbackDays: 0 });
    // DA: T5 only (02-20 ≥ 02-03); DB: T6 at 02-01 < 02-05 → none; DC: T8 (02-10 < 02-15) none → unattributed 4000+6000+2000
    expect([short.attributedRevenue, short.unattributedDeals]).toEqual([10000, 3]);
  });

  it('bad input: BAD_USER_INPUT with the field, never a 500', async () => {
    for (const [input, field] of [
      [{ lookbackDays: -1 }, 'lookbackDays'],
      [{ lookbackDays: 4000 }, 'lookbackDays'],
      [{ halfLifeDays: 0 }, 'halfLifeDays'],
      [{ to: '2017-02-01T00:00:00Z' }, 'to'],
    ] as const) {
      const res = await api.gql(ATTRIBUTION, { input: { ...e.input, model: 'LINEAR', ...input } }, Role.ANALYST);
      expect([res.status, res.body.errors?.[0].extensions?.code, res.body.errors?.[0].extensions?.field]).toEqual([
        200,
        'BAD_USER_INPUT',
        field,
      ]);
    }
  });
});
