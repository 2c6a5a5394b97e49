import { BI_READER_TEST_PASSWORD } from '../../support/bi-example';
import { Client } from 'pg';
import { Role } from '../../../src/common/graphql/enums';
import { biConnectionString, setBiReaderPassword, writeBiSettings } from '../../../src/modules/bi/bi-reader';
import { BI_COMMENTS } from '../../../migrations/1765584000000-BiCatalog';
import { bulkLoad } from '../../support/bulk-load';
import { RECORD_DEAL_CHANGES, UPSERT_ACCOUNTS, UPSERT_DEALS } from '../../support/ops';
import { startScratchApi, TestApi } from '../../support/test-server';
import { PROFILE } from '../../support/closing-profile';

/**
 * Schema bi as a BI tool browses it, through the bi_reader role on a database of its own: every view and column
 * described, accounts and a calendar to slice by (ISO weeks, a fiscal year from FISCAL_YEAR_START_MONTH), and "win
 * rate by industry by month" written in SQL over the views equal to the API's (closingProfile by INDUSTRY, per month).
 */
jest.setTimeout(120_000);

const PASSWORD = BI_READER_TEST_PASSWORD;

describe('bi catalogue (bi_reader)', () => {
  let api: TestApi;
  let reader: Client;
  beforeAll(async () => {
    api = await startScratchApi('bi_catalog');
    expect(await setBiReaderPassword(api.ds, PASSWORD)).toBe(true);
    reader = new Client({ connectionString: biConnectionString((api.ds.options as { url: string }).url, PASSWORD) });
    await reader.connect();
    const industries = ['Software', 'Retail', null];
    await bulkLoad(api, [
      [
        UPSERT_ACCOUNTS,
        industries.map((industry, i) => ({ externalId: `A${i}`, name: `A${i}`, ...(industry ? { industry } : {}) })),
      ],
      [
        UPSERT_DEALS,
        Array.from({ length: 36 }, (_, i) => ({
          externalId: `D${i}`,
          name: `D${i}`,
          amount: 1000 + i,
          createdAt: `2024-01-0${1 + (i % 5)}T10:00:00Z`,
          accountExternalId: `A${i % 3}`,
        })),
      ],
      [
        RECORD_DEAL_CHANGES,
        Array.from({ length: 36 }, (_, i) => ({
          dealExternalId: `D${i}`,
          stage: i % 4 === 0 ? 'NEGOTIATION' : i % 3 === 1 ? 'LOST' : 'WON',
          occurredAt: `2024-${String(2 + (i % 4)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}T15:00:00Z`,
        })),
      ],
    ]);
  });
  afterAll(async () => {
    await reader.end();
    await api.close();
  });

  it('every view and every column of schema bi has a description', async () => {
    const missing = (
      await reader.query(`
        SELECT c.relname AS view, NULL AS col FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'bi' AND c.relkind = 'v' AND obj_description(c.oid, 'pg_class') IS NULL
        UNION ALL
        SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = 'bi' AND c.relkind = 'v' AND col_description(c.oid, a.attnum) IS NULL`)
    ).rows;
    expect(missing).toEqual([]);
    const views = (await reader.query(`SELECT table_name FROM information_schema.views WHERE table_schema = 'bi'`))
      .rows;
    expect(views.length).toBeGreaterThanOrEqual(Object.keys(BI_COMMENTS).length);
  });

  it('bi.calendar: ISO weeks and a fiscal year from the configured first month', async () => {
    const day = async (d: string) =>
      (await reader.query(`SELECT * FROM bi.calendar WHERE date = $1`, [d])).rows[0] as Record<string, unknown>;
    expect(await day('2021-01-01')).toMatchObject({ iso_year: 2020, iso_week: 53, iso_day_of_week: 5, quarter: 1 });
    expect(await day('2024-12-30')).toMatchObject({ iso_year: 2025, iso_week: 1, year: 2024, month: 12 });
    expect(await day('2026-01-31')).toMatchObject({ fiscal_year: 2026, fiscal_quarter: 1, fiscal_month: 1 });
    await writeBiSettings(api.ds, 2); // FISCAL_YEAR_START_MONTH=2: FY2027 = Feb 2026 – Jan 2027
    expect(await day('2026-01-31')).toMatchObject({ fiscal_year: 2026, fiscal_quarter: 4, fiscal_month: 12 });
    expect(await day('2026-02-01')).toMatchObject({ fiscal_year: 2027, fiscal_quarter: 1, fiscal_month: 1 });
    expect(await day('2026-05-01')).toMatchObject({ fiscal_year: 2027, fiscal_quarter: 2, fiscal_month: 4 });
    await writeBiSettings(api.ds, 1);
    const [{ n }] = (
      await reader.query(`SELECT count(*)::int AS n FROM bi.deals d JOIN bi.calendar c ON c.date = d.closed_at::date`)
    ).rows;
    expect(n).toBeGreaterThan(0);
  });

  it('win rate by industry by month from the views equals closingProfile by INDUSTRY for each month', async () => {
    const sql = (
      await reader.query(`
        SELECT c.month_start::text AS month, coalesce(a.industry, 'UNKNOWN') AS industry,
          count(*) FILTER (WHERE d.status = 'WON')::int AS won, count(*) FILTER (WHERE d.status = 'LOST')::int AS lost
        FROM bi.deals d LEFT JOIN bi.accounts a ON a.id = d.account_id
        JOIN bi.calendar c ON c.date = (d.closed_at AT TIME ZONE 'UTC')::date
        WHERE d.status IN ('WON', 'LOST') GROUP BY 1, 2 ORDER BY 1, 2`)
    ).rows;
    expect(new Set(sql.map((r) => r.month)).size).toBe(3); // March to May (February's deals stay open)
    const api_: typeof sql = [];
    for (const month of [...new Set(sql.map((r) => r.month as string))]) {
      const from = new Date(`${month}T00:00:00Z`);
      const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
      const p = (
        await api.ok(
          PROFILE,
          {
            input: {
              population: 'DEALS',
              from: from.toISOString(),
              to: to.toISOString(),
              dimensions: ['INDUSTRY'],
              minSupport: 1,
            },
          },
          Role.ANALYST,
        )
      ).closingProfile;
      for (const s of p.signals) api_.push({ month, industry: s.key, won: s.successes, lost: s.failures });
    }
    const order = (rows: typeof sql) =>
      [...rows].sort((a, b) => `${a.month}${a.industry}`.localeCompare(`${b.month}${b.industry}`));
    expect(order(api_)).toEqual(order(sql));
  });

  it('accounts, users and KPI targets are there to join', async () => {
    const accounts = (
      await reader.query(`SELECT external_id, industry, employees_band, updated_at FROM bi.accounts ORDER BY 1`)
    ).rows;
    expect(accounts.map((a) => a.external_id)).toEqual(['A0', 'A1', 'A2']);
    expect(accounts[0].updated_at).toBeInstanceOf(Date);
    await reader.query(`SELECT id, email, role FROM bi.users LIMIT 1`);
    await reader.query(`SELECT metric, target FROM bi.kpi_targets LIMIT 1`);
    const [deal] = (await reader.query(`SELECT updated_at FROM bi.deals LIMIT 1`)).rows;
    expect(deal.updated_at).toBeInstanceOf(Date);
  });
});
