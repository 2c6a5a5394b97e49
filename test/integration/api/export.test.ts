import { Role } from '../../../src/common/graphql/enums';
import { biYear, loadBiExample } from '../../support/bi-example';
import { startTestApi, TestApi } from '../../support/test-server';
import { tokenFor } from '../../support/tokens';
import { unique } from '../../support/unique';

const YEAR = biYear(1973);

/** A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

/** CSV rows as objects, numbers where the API gives numbers (empty = null). */
const records = (csv: string) => {
  const [header, ...lines] = parseCsv(csv);
  return lines.map((l) =>
    Object.fromEntries(
      header.map((h, i) => [h, l[i] === '' ? null : /^-?\d+(\.\d+)?(e-?\d+)?$/.test(l[i]) ? Number(l[i]) : l[i]]),
    ),
  );
};

describe('GET /export/*.csv|json (BI over HTTP, real PostgreSQL)', () => {
  let api: TestApi;
  let base: string;
  beforeAll(async () => {
    api = await startTestApi();
    base = api.server.url.replace('/graphql', '/export');
    await loadBiExample(api, unique('export'), 1973);
  });
  afterAll(() => api.close());

  const get = (path: string, role: Role | null = Role.ANALYST) =>
    fetch(`${base}/${path}`, { headers: role ? { authorization: `Bearer ${tokenFor(role)}` } : {} });

  it('kpis.csv and kpis.json are kpiSeries with the same parameters, as tidy rows with numerator and denominator', async () => {
    const params = `metrics=LEADS,WIN_RATE,REVENUE,SPEND&from=${YEAR.from}&to=${YEAR.to}&interval=QUARTER&sources=EMAIL,PAID_SEARCH`;
    const series = (
      await api.ok(
        `query($input: KpiSeriesInput!) { kpiSeries(input: $input) { metric periodStart periodEnd value numerator denominator } }`,
        {
          input: {
            metrics: ['LEADS', 'WIN_RATE', 'REVENUE', 'SPEND'],
            from: YEAR.from,
            to: YEAR.to,
            interval: 'QUARTER',
            sources: ['EMAIL', 'PAID_SEARCH'],
          },
        },
        Role.ANALYST,
      )
    ).kpiSeries;
    expect(series.length).toBe(16);
    expect(series.some((p: { value: number | null }) => p.value)).toBe(true);

    const csv = await get(`kpis.csv?${params}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="kpis.csv"');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('metric,periodStart,periodEnd,value,numerator,denominator,period,timeZone');
    // the bucket's first day in the export's zone (UTC here) beside its instants
    const labelled = series.map((p: { periodStart: string }) => ({
      ...p,
      period: p.periodStart.slice(0, 10),
      timeZone: 'UTC',
    }));
    expect(records(text)).toEqual(labelled);

    const json = await (await get(`kpis.json?${params}`)).json();
    expect(json).toEqual({
      columns: ['metric', 'periodStart', 'periodEnd', 'value', 'numerator', 'denominator', 'period', 'timeZone'],
      rows: labelled,
    });
  });

  it('dates alone, as a spreadsheet writes them: the start of the day in the timeZone parameter (UTC by default)', async () => {
    const y = YEAR.from.slice(0, 4);
    const rows = async (q: string) =>
      ((await (await get(`kpis.json?metrics=LEADS&interval=MONTH&${q}`)).json()) as any).rows;
    // UTC: the same rows as with the instants
    expect(await rows(`from=${y}-01-01&to=${y}-04-01`)).toEqual(
      await rows(`from=${y}-01-01T00:00:00Z&to=${y}-04-01T00:00:00Z`),
    );
    // Europe/Berlin: months start at local midnight, no stub bucket (1973 had no summer time there — the zone database
    // knows it — so both ends are 23:00 UTC; the unit spec of startOfDayIn covers the days summer time begins and ends)
    const berlin = await rows(`from=${y}-03-01&to=${y}-05-01&timeZone=Europe/Berlin`);
    const zoned = await rows(
      `from=${new Date(Date.UTC(Number(y), 1, 28, 23)).toISOString()}&to=${new Date(Date.UTC(Number(y), 3, 30, 23)).toISOString()}&timeZone=Europe/Berlin`,
    );
    expect(berlin).toEqual(zoned);
    expect(berlin.length).toBe(2);
    // labelled by the local first day, not by the UTC instant of the evening before
    expect(berlin.map((r: { period: string; periodStart: string }) => [r.period, r.periodStart])).toEqual([
      [`${y}-03-01`, `${y}-02-28T23:00:00.000Z`],
      [`${y}-04-01`, `${y}-03-31T23:00:00.000Z`],
    ]);
    const bad = await get(`kpis.json?metrics=LEADS&interval=MONTH&from=${y}-02-30&to=${y}-04-01`);
    expect([bad.status, ((await bad.json()) as any).errors[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
  });

  it('attribution.csv: one row per campaign and an UNATTRIBUTED row, so the revenue column sums to the won revenue', async () => {
    const a = (
      await api.ok(
        `query($input: AttributionInput!) { attribution(input: $input) { revenue wonDeals rows { key revenue deals spend } } }`,
        { input: { model: 'U_SHAPED', from: YEAR.from, to: YEAR.to } },
        Role.ANALYST,
      )
    ).attribution;
    const rows = records(await (await get(`attribution.csv?model=U_SHAPED&from=${YEAR.from}&to=${YEAR.to}`)).text());
    expect(rows.map((r) => String(r.key))).toEqual([...a.rows.map((r: { key: string }) => r.key), 'UNATTRIBUTED']);
    for (const r of a.rows)
      expect(rows.find((x) => String(x.key) === r.key)).toMatchObject({
        model: 'U_SHAPED',
        revenue: r.revenue,
        deals: r.deals,
        spend: r.spend,
      });
    expect(rows.reduce((s, r) => s + (r.revenue as number), 0)).toBeCloseTo(a.revenue, 6);
    expect(rows.reduce((s, r) => s + (r.deals as number), 0)).toBeCloseTo(a.wonDeals, 9);
  });

  it('funnel.json: the total steps, then each breakdown group, with both conversions as numerator, denominator and value', async () => {
    const f = (
      await api.ok(
        `query($input: FunnelInput!) { funnel(input: $input) { steps { stage count conversionFromPrevious { numerator denominator value } }
      groups { key steps { stage count } } } }`,
        { input: { from: YEAR.from, to: YEAR.to, basis: 'FLOW', breakdown: 'CHANNEL' } },
        Role.ANALYST,
      )
    ).funnel;
    const { rows } = (await (
      await get(`funnel.json?from=${YEAR.from}&to=${YEAR.to}&basis=FLOW&breakdown=CHANNEL`)
    ).json()) as { rows: any[] };
    const total = rows.filter((r: { group: string }) => r.group === 'TOTAL');
    expect(new Set(total.map((r: { groupLabel: string }) => r.groupLabel))).toEqual(new Set(['Total']));
    expect(total.map((r: { stage: string; count: number }) => [r.stage, r.count])).toEqual(
      f.steps.map((s: { stage: string; count: number }) => [s.stage, s.count]),
    );
    expect(total[2]).toMatchObject({
      previousNumerator: f.steps[2].conversionFromPrevious.numerator,
      previousDenominator: f.steps[2].conversionFromPrevious.denominator,
    });
    for (const g of f.groups) {
      expect(
        rows.filter((r: { group: string | null }) => r.group === g.key).map((r: { count: number }) => r.count),
      ).toEqual(g.steps.map((s: { count: number }) => s.count));
    }
    // by campaign: the campaign's name beside its id, in GraphQL (FunnelGroup.label) and in the export
    const byCampaign = (
      await api.ok(
        `query($input: FunnelInput!) { funnel(input: $input) { groups { key label } } }`,
        { input: { from: YEAR.from, to: YEAR.to, basis: 'FLOW', breakdown: 'CAMPAIGN' } },
        Role.ANALYST,
      )
    ).funnel.groups as { key: string; label: string }[];
    const named = byCampaign.filter((g) => g.key !== 'NONE');
    expect(named.length).toBeGreaterThan(0);
    const names = await api.ds.query(`SELECT id::text AS id, name FROM campaigns WHERE id = ANY($1::bigint[])`, [
      named.map((g) => g.key),
    ]);
    for (const g of named) expect(g.label).toBe(names.find((n: { id: string }) => n.id === g.key).name);
    const csv = records(
      await (await get(`funnel.csv?from=${YEAR.from}&to=${YEAR.to}&basis=FLOW&breakdown=CAMPAIGN`)).text(),
    );
    for (const g of byCampaign)
      expect(new Set(csv.filter((r) => String(r.group) === g.key).map((r) => r.groupLabel))).toEqual(
        new Set([g.label]),
      );
  });

  it('refuses clearly: no token 401, unknown or bad parameters 400 BAD_USER_INPUT, unknown export 404', async () => {
    const noToken = await get(`kpis.csv?metrics=LEADS&from=${YEAR.from}&to=${YEAR.to}&interval=MONTH`, null);
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const unknown = await get(`kpis.csv?metric=LEADS&from=${YEAR.from}&to=${YEAR.to}&interval=MONTH`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as any).errors[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'metric' },
    });

    for (const bad of [
      `metrics=NOPE&from=${YEAR.from}&to=${YEAR.to}&interval=MONTH`,
      `metrics=LEADS&from=yesterday&to=${YEAR.to}&interval=MONTH`,
      `metrics=LEADS&from=${YEAR.to}&to=${YEAR.from}&interval=MONTH`,
      `metrics=LEADS&from=${YEAR.from}&to=${YEAR.to}`,
    ]) {
      const r = await get(`kpis.json?${bad}`);
      const body = (await r.json()) as any;
      expect([bad, r.status, body.errors[0].extensions.code]).toEqual([
        bad,
        400,
        expect.stringMatching(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/),
      ]);
      expect(JSON.stringify(body)).not.toMatch(/stack|SELECT|at .*\.js/);
    }
    expect((await get(`lunch.csv`)).status).toBe(404);
  });
});
