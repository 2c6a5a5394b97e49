import { BI_READER_TEST_PASSWORD } from '../../support/bi-example';
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { biConnectionString, setBiReaderPassword } from '../../../src/modules/bi/bi-reader';
import { Role } from '../../../src/common/graphql/enums';
import { biYear, loadBiExample } from '../../support/bi-example';
import { havePsql, testDatabaseUrl } from '../../support/db';
import { startTestApi, TestApi } from '../../support/test-server';
import { unique } from '../../support/unique';

const PASSWORD = BI_READER_TEST_PASSWORD;
const BI_YEAR = biYear(1972);

const KPIS = `query($input: KpiInput!) { kpis(input: $input) { leads mqls sals sqls opportunities pipelineCreated wonDeals lostDeals revenue spend
  winRate { numerator denominator value } winRateByValue { numerator denominator } averageDealSize
  salesCycleDays { count mean } mqlToSqlRate { numerator denominator } leadRejectionRate { numerator denominator }
  leadResponseHours { count mean } slaCompliance { numerator denominator } newCustomers cac
  marketingSourcedRevenue marketingInfluencedRevenue } }`;
const BI_METRIC: Record<string, string> = {
  leads: 'LEADS',
  mqls: 'MQLS',
  sals: 'SALS',
  sqls: 'SQLS',
  opportunities: 'OPPORTUNITIES',
  pipelineCreated: 'PIPELINE_CREATED',
  wonDeals: 'WON_DEALS',
  lostDeals: 'LOST_DEALS',
  revenue: 'REVENUE',
  spend: 'SPEND',
  marketingSourcedRevenue: 'MARKETING_SOURCED_REVENUE',
  marketingInfluencedRevenue: 'MARKETING_INFLUENCED_REVENUE',
};
/** KPI ratios of kpis and their numerator/denominator rows in bi.kpi_daily. */
const BI_RATIO: Record<string, string> = {
  winRate: 'WIN_RATE',
  winRateByValue: 'WIN_RATE_BY_VALUE',
  mqlToSqlRate: 'MQL_TO_SQL_RATE',
  leadRejectionRate: 'LEAD_REJECTION_RATE',
  slaCompliance: 'SLA_COMPLIANCE',
};

describe('bi schema and the bi_reader role (real PostgreSQL)', () => {
  let api: TestApi;
  let reader: Client;
  let url: string;
  beforeAll(async () => {
    api = await startTestApi();
    expect(await setBiReaderPassword(api.ds, PASSWORD)).toBe(true);
    url = biConnectionString(testDatabaseUrl(), PASSWORD);
    reader = new Client({ connectionString: url });
    await reader.connect();
    await loadBiExample(api, unique('bi'), 1972);
  });
  afterAll(async () => {
    await reader.end();
    await api.close();
  });

  const api_enum = (query: string) => api.ok(query, {}, Role.ANALYST);
  const denied = async (sql: string) => {
    const e = await reader.query(sql).then(
      () => null,
      (err: { code?: string }) => err,
    );
    expect(e?.code).toMatch(/^(42501|25006)$/); // insufficient privilege / read-only transaction
  };

  it('bi_reader reads every bi view', async () => {
    const views = (
      await api.ds.query(`SELECT table_name FROM information_schema.views WHERE table_schema = 'bi' ORDER BY 1`)
    ).map((r: { table_name: string }) => r.table_name);
    expect(views).toEqual(
      expect.arrayContaining([
        'attribution_daily',
        'campaign_spend',
        'campaigns',
        'deal_leads',
        'deal_stage_changes',
        'deals',
        'funnel_daily',
        'kpi_daily',
        'lead_stage_changes',
        'leads',
        'pipeline_stages',
        'touchpoints',
      ]),
    );
    for (const v of views) await reader.query(`SELECT * FROM bi.${v} LIMIT 1`);
  });

  it('and nothing else: no table of the service, no writes, no DDL, no personal data', async () => {
    for (const t of ['leads', 'deals', 'users', 'audit_log', 'attribution_credit', 'idempotency_keys'])
      await denied(`SELECT 1 FROM public.${t} LIMIT 1`);
    await denied(`INSERT INTO bi.campaigns (name, channel) VALUES ('x', 'EMAIL')`);
    await denied(`CREATE TABLE bi.mine (x int)`);
    await denied(`CREATE TABLE public.mine (x int)`);
    await denied(`UPDATE bi.deals SET amount = 0`);
    const cols = (
      await reader.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'bi' AND table_name = 'leads'`,
      )
    ).rows.map((r) => r.column_name);
    expect(cols).not.toEqual(expect.arrayContaining(['email']));
    expect(cols.filter((c) => /name|email/.test(c))).toEqual([]);
  });

  (havePsql || process.env.CI ? it : it.skip)('psql as bi_reader: reads bi views, is refused the rest', () => {
    const run = (sql: string) =>
      execFileSync('psql', [url, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    expect(
      Number(run(`SELECT count(*) FROM bi.kpi_daily WHERE day >= '1972-01-01' AND day < '1973-01-01'`).trim()),
    ).toBeGreaterThan(0);
    expect(() => run('SELECT count(*) FROM public.deals')).toThrow(/permission denied/);
  });

  it('bi.kpi_daily over a year of UTC days equals the kpis query, for all sources and for one', async () => {
    for (const sources of [null, ['EMAIL'], ['PAID_SEARCH']]) {
      const k = (
        await api.ok(
          KPIS,
          { input: { from: BI_YEAR.from, to: BI_YEAR.to, ...(sources ? { sources } : {}) } },
          Role.ANALYST,
        )
      ).kpis;
      const rows = (
        await reader.query(
          `SELECT metric, sum(value)::float8 AS value, sum(numerator)::float8 AS num, sum(denominator)::float8 AS den FROM bi.kpi_daily
        WHERE day >= '1972-01-01' AND day < '1973-01-01' AND ($1::text IS NULL OR channel = $1) GROUP BY metric`,
          [sources?.[0] ?? null],
        )
      ).rows;
      const bi = new Map(rows.map((r) => [r.metric, r]));
      for (const [field, metric] of Object.entries(BI_METRIC))
        expect([metric, bi.get(metric)?.value ?? 0]).toEqual([metric, k[field]]);
      for (const [field, metric] of Object.entries(BI_RATIO))
        expect([metric, bi.get(metric)?.num ?? 0, bi.get(metric)?.den ?? 0]).toEqual([
          metric,
          k[field].numerator,
          k[field].denominator,
        ]);
      // means: sum of the parts over the count (AVERAGE_DEAL_SIZE = revenue / won deals)
      const mean = (metric: string) => (bi.get(metric)?.den ? bi.get(metric)!.num / bi.get(metric)!.den : null);
      expect([mean('AVERAGE_DEAL_SIZE'), bi.get('AVERAGE_DEAL_SIZE')?.den ?? 0]).toEqual([
        k.averageDealSize,
        k.wonDeals,
      ]);
      expect(bi.get('SALES_CYCLE_DAYS')?.den ?? 0).toBe(k.salesCycleDays.count);
      expect(bi.get('LEAD_RESPONSE_HOURS')?.den ?? 0).toBe(k.leadResponseHours.count);
      for (const [metric, api] of [
        ['SALES_CYCLE_DAYS', k.salesCycleDays.mean],
        ['LEAD_RESPONSE_HOURS', k.leadResponseHours.mean],
      ]) {
        if (api === null) expect(mean(metric)).toBeNull();
        else expect(mean(metric)).toBeCloseTo(api, 9);
      }
      if (sources) continue;
      // new customers: once each, on the day and channel of the first win (channels add up to the total); CAC
      expect([bi.get('NEW_CUSTOMERS')?.value ?? 0, bi.get('CAC')?.num ?? 0, bi.get('CAC')?.den ?? 0]).toEqual([
        k.newCustomers,
        k.spend,
        k.newCustomers,
      ]);
      expect(mean('CAC')).toBe(k.cac);
    }
    // the open pipeline now, by creation day: the example's one open deal
    const open = (
      await reader.query(
        `SELECT metric, sum(value)::float8 AS v FROM bi.kpi_daily WHERE day >= '1972-01-01' AND day < '1973-01-01'
         AND metric IN ('OPEN_DEALS', 'OPEN_PIPELINE', 'WEIGHTED_PIPELINE') GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
    expect(open.map((r) => r.metric)).toEqual(['OPEN_DEALS', 'OPEN_PIPELINE', 'WEIGHTED_PIPELINE']);
    expect(open.slice(0, 2).map((r) => r.v)).toEqual([1, 999.99]);
    expect(open[2].v).toBeGreaterThan(0);
  });

  it('bi.kpi_daily carries every KPI of definitions §5 (the API metrics, and the pipeline snapshot)', async () => {
    const metrics = (await reader.query(`SELECT DISTINCT metric FROM bi.kpi_daily`)).rows.map((r) => r.metric);
    const api = (await api_enum(`{ __type(name: "KpiMetric") { enumValues { name } } }`)).__type.enumValues.map(
      (v: { name: string }) => v.name,
    );
    expect(metrics.sort()).toEqual(
      [
        ...api,
        'SALES_CYCLE_DAYS',
        'LEAD_RESPONSE_HOURS',
        'WIN_RATE_BY_VALUE',
        'NEW_CUSTOMERS',
        'OPEN_DEALS',
        'OPEN_PIPELINE',
        'WEIGHTED_PIPELINE',
      ].sort(),
    );
  });

  it('bi.funnel_daily gives the FLOW funnel counts, and bi.attribution_daily the attribution rows (default windows)', async () => {
    const f = (
      await api.ok(
        `query($input: FunnelInput!) { funnel(input: $input) { steps { stage count } } }`,
        { input: { from: BI_YEAR.from, to: BI_YEAR.to, basis: 'FLOW' } },
        Role.ANALYST,
      )
    ).funnel;
    const counts = new Map(
      (
        await reader.query(
          `SELECT stage, sum(entered)::int AS n FROM bi.funnel_daily WHERE day >= '1972-01-01' AND day < '1973-01-01' GROUP BY stage`,
        )
      ).rows.map((r) => [r.stage, r.n]),
    );
    for (const s of f.steps) expect([s.stage, counts.get(s.stage) ?? 0]).toEqual([s.stage, s.count]);
    // by first-touch campaign, as funnel(breakdown: CAMPAIGN) groups them (NONE: no touch)
    const byCampaign = (
      await api.ok(
        `query($input: FunnelInput!) { funnel(input: $input) { groups { key steps { stage count } } } }`,
        { input: { from: BI_YEAR.from, to: BI_YEAR.to, basis: 'FLOW', breakdown: 'CAMPAIGN' } },
        Role.ANALYST,
      )
    ).funnel.groups as { key: string; steps: { stage: string; count: number }[] }[];
    const viewed = (
      await reader.query(
        `SELECT coalesce(campaign_id::text, 'NONE') AS key, stage, sum(entered)::int AS n FROM bi.funnel_daily
         WHERE day >= '1972-01-01' AND day < '1973-01-01' GROUP BY 1, 2`,
      )
    ).rows;
    expect(byCampaign.length).toBeGreaterThan(1);
    for (const g of byCampaign)
      for (const s of g.steps)
        expect([g.key, s.stage, viewed.find((v) => v.key === g.key && v.stage === s.stage)?.n ?? 0]).toEqual([
          g.key,
          s.stage,
          s.count,
        ]);

    for (const model of ['LINEAR', 'W_SHAPED', 'SHAPLEY']) {
      const a = (
        await api.ok(
          `query($input: AttributionInput!) { attribution(input: $input) { rows { key revenue deals } } }`,
          { input: { model, from: BI_YEAR.from, to: BI_YEAR.to } },
          Role.ANALYST,
        )
      ).attribution;
      const bi = (
        await reader.query(
          `SELECT campaign_id::text AS key, sum(attributed_revenue)::float8 AS revenue, sum(attributed_deals)::float8 AS deals
        FROM bi.attribution_daily WHERE day >= '1972-01-01' AND day < '1973-01-01' AND model = $1 GROUP BY 1`,
          [model],
        )
      ).rows;
      const credited = a.rows.filter((r: { deals: number }) => r.deals > 0);
      expect(bi).toHaveLength(credited.length);
      for (const r of credited) {
        const b = bi.find((x) => x.key === r.key)!;
        expect(b.revenue).toBeCloseTo(r.revenue, 6);
        expect(b.deals).toBeCloseTo(r.deals, 9);
      }
    }
  });
});
