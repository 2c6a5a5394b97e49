import fs from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Role } from '../../../src/common/graphql/enums';
import { seedDemo } from '../../../src/seed/demo-seed';
import { createServer, RunningServer } from '../../../src/server';
import { scratchDatabase } from '../../support/scratch-db';
import { testConfig, tokenFor } from '../../support/tokens';
import { serviceTransactions } from '../../../src/container';

/** Debian's Chromium (.ci/run installs it); a machine without it skips these tests, CI never does. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = fs.existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
const SCREENSHOT = path.join(__dirname, '..', '..', '..', 'docs', 'dashboard.png');
// without the background-networking flags Chromium keeps calling out of this closed network
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/**
 * Run in the page (as text: this file is compiled without the DOM's types): the page's scroll and client widths, the
 * first elements past the right edge that are not inside a container scrolling by itself (a wide table may scroll
 * there; the page must not), and the longest funnel bar as a share of its table's width.
 */
const LAYOUT_PROBE = `(() => {
  const doc = document.documentElement;
  const scrolls = (e) => !!e && e !== document.body && (['auto', 'scroll'].includes(getComputedStyle(e).overflowX) || scrolls(e.parentElement));
  const over = [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1 && !scrolls(e.parentElement))
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + '#' + e.id + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().right));
  const bars = [...document.querySelectorAll('#funnel .bar span')].map((e) => e.getBoundingClientRect().width);
  const table = document.querySelector('#funnel').getBoundingClientRect().width;
  return { scroll: doc.scrollWidth, client: doc.clientWidth, over, widestBar: Math.max(...bars) / table };
})()`;
const MODELS = ['FIRST_TOUCH', 'LAST_TOUCH', 'LINEAR', 'W_SHAPED', 'TIME_DECAY', 'MARKOV'];
/** The KPI tiles' fields of `kpis` with a plain number (win rate is checked by its value). */
const TILE_FIELDS = [
  'leads',
  'mqls',
  'sqls',
  'wonDeals',
  'revenue',
  'spend',
  'cac',
  'openPipeline',
  'pipelineVelocity',
];
/** The KPIs the dashboard charts (trends.js). */
const TREND_METRICS = [
  'LEADS',
  'MQLS',
  'SQLS',
  'WON_DEALS',
  'REVENUE',
  'WIN_RATE',
  'SPEND',
  'CAC',
  'AVERAGE_DEAL_SIZE',
  'MQL_TO_SQL_RATE',
  'LEAD_REJECTION_RATE',
  'SLA_COMPLIANCE',
];
/** The values a trend chart draws (its data-values). */
const chartValues = async (page: Page, metric: string) =>
  JSON.parse((await page.getAttribute(`[data-metric="${metric}"]`, 'data-values'))!) as (number | null)[];

(haveBrowser ? describe : describe.skip)(
  'the funnel dashboard and GraphiQL in Chromium (demo data, real PostgreSQL)',
  () => {
    let db: { ds: DataSource; drop: () => Promise<void> };
    let server: RunningServer;
    let browser: Browser;
    let origin: string;
    const external: string[] = [];
    const token = tokenFor(Role.ANALYST);
    const gql = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data: any; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const open = async (url: string): Promise<Page> => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on('request', (r) => {
        if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) external.push(r.url());
      });
      await page.goto(url);
      return page;
    };
    const values = (page: Page, selector: string) =>
      page.$$eval(selector, (els) =>
        els.map((e) => (e.getAttribute('data-value') === '' ? null : Number(e.getAttribute('data-value')))),
      );

    beforeAll(async () => {
      db = await scratchDatabase('funnel_web');
      await seedDemo(serviceTransactions(db.ds));
      server = await createServer(testConfig, db.ds, 0);
      origin = server.url.replace('/graphql', '').replace('localhost', '127.0.0.1');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await db?.drop();
    });

    it('shows the demo funnel, pipeline, attribution by model with ROI and KPI tiles with targets: the numbers the API gives', async () => {
      const page = await open(`${origin}/#token=${token}`);
      await page.waitForSelector('body[data-loaded]', { timeout: 20_000 });
      const [from, to] = (await page.getAttribute('body', 'data-loaded'))!.split('|');
      expect([from, to]).toEqual(['2026-08-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z']); // the latest demo target quarter

      const api = await gql(
        `query($from: DateTimeISO!, $to: DateTimeISO!) {
      kpis(input: { from: $from, to: $to }) { leads mqls sqls wonDeals revenue spend cac openPipeline pipelineVelocity winRate { value } }
      funnel(input: { from: $from, to: $to }) { steps { stage count conversionFromPrevious { value } } }
      pipelineFunnel(input: { from: $from, to: $to }) { steps { stage count } }
      kpiTargets(from: $from, to: $to) { metric target actual attainment { value } }
      ${MODELS.map((m) => `${m}: attribution(input: { model: ${m}, from: $from, to: $to }) { revenue unattributedRevenue rows { key revenue roi { value } } }`).join('\n')}
    }`,
        { from, to },
      );

      const k = api.kpis;
      for (const f of TILE_FIELDS) expect([f, (await values(page, `[data-field="${f}"]`))[0]]).toEqual([f, k[f]]);
      expect(await values(page, '[data-field="winRate"]')).toEqual([k.winRate.value]);
      expect(k.revenue).toBeGreaterThan(0);
      expect(await page.textContent('[data-kpi="revenue"] .value')).toBe(
        `$${Math.round(k.revenue).toLocaleString('en-US')}`,
      );

      for (const t of api.kpiTargets) {
        expect(await values(page, `[data-target="${t.metric}"]`)).toEqual([t.target]);
        expect(await values(page, `[data-attainment="${t.metric}"]`)).toEqual([t.attainment.value]);
      }
      expect(api.kpiTargets.length).toBe(5);

      expect(await values(page, '#funnel [data-count]')).toEqual(
        api.funnel.steps.map((s: { count: number }) => s.count),
      );
      expect(await values(page, '#funnel [data-conversion]')).toEqual(
        api.funnel.steps.map(
          (s: { conversionFromPrevious: { value: number } | null }) => s.conversionFromPrevious?.value ?? null,
        ),
      );
      expect(await values(page, '#pipeline [data-count]')).toEqual(
        api.pipelineFunnel.steps.map((s: { count: number }) => s.count),
      );

      for (const m of MODELS) {
        const report = api[m];
        expect(await values(page, `[data-total="${m}"]`)).toEqual([report.revenue]);
        expect(await values(page, `[data-unattributed="${m}"]`)).toEqual([report.unattributedRevenue]);
        for (const r of report.rows) {
          expect([m, r.key, await values(page, `tr[data-campaign="${r.key}"] [data-revenue="${m}"]`)]).toEqual([
            m,
            r.key,
            [r.revenue],
          ]);
          expect(await values(page, `tr[data-campaign="${r.key}"] [data-roi="${m}"]`)).toEqual([r.roi.value]);
        }
      }
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // under a source filter: the panels that follow it equal the API with the filter, the others the API without
      // it and say so; the URL carries the filter
      await page.selectOption('#source', 'PAID_SEARCH');
      await page.click('#filters button');
      await page.waitForSelector(`body[data-loaded="${from}|${to}|PAID_SEARCH"]`);
      expect(new URL(page.url()).searchParams.get('source')).toBe('PAID_SEARCH');
      const paid = await gql(
        `query($from: DateTimeISO!, $to: DateTimeISO!, $metrics: [KpiMetric!]!) {
          kpis(input: { from: $from, to: $to, sources: [PAID_SEARCH] }) { leads mqls sqls wonDeals revenue spend cac openPipeline pipelineVelocity winRate { value } }
          funnel(input: { from: $from, to: $to, sources: [PAID_SEARCH] }) { steps { count } }
          kpiSeries(input: { from: $from, to: $to, sources: [PAID_SEARCH], interval: WEEK, timeZone: "UTC", metrics: $metrics }) { metric value }
          handoffFeedback(input: { from: $from, to: $to, groupBy: CAMPAIGN }) { total { mqls accepted returned } }
          closingProfile(input: { from: $from, to: $to }) { baseRate { value } } }`,
        { from, to, metrics: TREND_METRICS },
      );
      for (const f of TILE_FIELDS)
        expect([f, (await values(page, `[data-field="${f}"]`))[0]]).toEqual([f, paid.kpis[f]]);
      expect(await values(page, '[data-field="winRate"]')).toEqual([paid.kpis.winRate.value]);
      expect(await values(page, '#funnel [data-count]')).toEqual(
        paid.funnel.steps.map((s: { count: number }) => s.count),
      );
      expect(paid.kpis.leads).toBeLessThan(k.leads);
      const series = (m: string) =>
        paid.kpiSeries.filter((p: { metric: string }) => p.metric === m).map((p: { value: number }) => p.value);
      for (const m of TREND_METRICS) expect([m, await chartValues(page, m)]).toEqual([m, series(m)]);
      expect(series('LEADS').length).toBe(14); // weeks (auto for a quarter) from Monday to Monday
      expect(await page.$$eval('#trends canvas', (c) => c.length)).toBe(TREND_METRICS.length); // uPlot drew each
      expect(await page.getAttribute('[data-kpi="revenue"] .spark', 'data-values')).toBe(
        JSON.stringify(series('REVENUE')),
      );
      // not filterable by source: the same numbers as without the filter, and a note saying so
      expect(await values(page, '#pipeline [data-count]')).toEqual(
        api.pipelineFunnel.steps.map((s: { count: number }) => s.count),
      );
      for (const m of MODELS) expect(await values(page, `[data-total="${m}"]`)).toEqual([api[m].revenue]);
      expect(await values(page, 'tr[data-handoff="TOTAL"] [data-field="mqls"]')).toEqual([
        paid.handoffFeedback.total.mqls,
      ]);
      expect(await values(page, '[data-field="baseRate"]')).toEqual([paid.closingProfile.baseRate.value]);
      const notes = await page.$$eval('.scope', (n) => n.map((x) => `${x.id}:${x.getAttribute('data-applies')}`));
      expect(notes.sort()).toEqual(
        [
          'scope-attribution:false',
          'scope-backtest:false',
          'scope-closing:false',
          'scope-funnel:true',
          'scope-handoff:false',
          'scope-kpis:true',
          'scope-pipeline:false',
          'scope-targets:false',
          'scope-trends:true',
        ].sort(),
      );
      expect(await page.textContent('#scope-pipeline')).toContain('ignores the Source filter');
      await page.screenshot({
        path: SCREENSHOT.replace('dashboard.png', 'dashboard-source-filter.png'),
        fullPage: true,
      });
      expect(external).toEqual([]);
      await page.close();
    });

    it('a link with filters reproduces the view: period, source, trend interval, funnel breakdown, hand-off grouping', async () => {
      const link = `${origin}/?from=2026-05-01&to=2026-08-01&source=EMAIL&interval=MONTH&breakdown=CHANNEL&handoff=OWNER`;
      const page = await open(`${link}#token=${token}`);
      await page.waitForSelector('body[data-loaded]', { timeout: 20_000 });
      const [from, to] = ['2026-05-01T00:00:00.000Z', '2026-08-01T00:00:00.000Z'];
      expect(await page.getAttribute('body', 'data-loaded')).toBe(`${from}|${to}|EMAIL`);
      for (const [id, v] of [
        ['from', '2026-05-01'],
        ['to', '2026-08-01'],
        ['source', 'EMAIL'],
        ['interval', 'MONTH'],
        ['breakdown', 'CHANNEL'],
        ['handoff-by', 'OWNER'],
      ])
        expect([id, await page.inputValue(`#${id}`)]).toEqual([id, v]);
      expect(page.url()).toBe(link); // the URL it writes back is the one it was given
      const api = await gql(
        `query($from: DateTimeISO!, $to: DateTimeISO!, $metrics: [KpiMetric!]!) {
          funnel(input: { from: $from, to: $to, sources: [EMAIL], breakdown: CHANNEL }) { groups { key steps { stage count } } }
          handoffFeedback(input: { from: $from, to: $to, groupBy: OWNER }) { groups { key mqls accepted } }
          kpiSeries(input: { from: $from, to: $to, sources: [EMAIL], interval: MONTH, timeZone: "UTC", metrics: $metrics }) { metric value periodStart periodEnd }
          kpiTargets(from: $from, to: $to) { metric periodStart periodEnd target } }`,
        { from, to, metrics: TREND_METRICS },
      );
      expect(api.funnel.groups.length).toBeGreaterThan(0);
      for (const g of api.funnel.groups)
        expect([g.key, await values(page, `#funnel-groups tr[data-group="${g.key}"] [data-count]`)]).toEqual([
          g.key,
          g.steps.map((x: { count: number }) => x.count),
        ]);
      expect(api.handoffFeedback.groups.length).toBeGreaterThan(0);
      for (const g of api.handoffFeedback.groups)
        expect(await values(page, `tr[data-handoff="${g.key}"] [data-field="accepted"]`)).toEqual([g.accepted]);
      type P = { metric: string; value: number; periodStart: string; periodEnd: string };
      const revenue = api.kpiSeries.filter((p: P) => p.metric === 'REVENUE');
      expect(revenue.length).toBe(3);
      expect(await chartValues(page, 'REVENUE')).toEqual(revenue.map((p: P) => p.value));
      // the target line: a target covering a bucket, pro-rated by the share of its period the bucket covers
      const targets = api.kpiTargets.filter((t: { metric: string }) => t.metric === 'REVENUE');
      const expected = revenue.map((p: P) => {
        const [s, e] = [Date.parse(p.periodStart), Date.parse(p.periodEnd)];
        const over = targets.filter(
          (t: P & { target: number }) => Date.parse(t.periodStart) < e && Date.parse(t.periodEnd) > s,
        );
        return over.length
          ? over.reduce((sum: number, t: P & { target: number }) => {
              const [ts, te] = [Date.parse(t.periodStart), Date.parse(t.periodEnd)];
              return sum + (t.target * (Math.min(te, e) - Math.max(ts, s))) / (te - ts);
            }, 0)
          : null;
      });
      expect(expected.some((v: number | null) => v !== null)).toBe(true);
      expect(JSON.parse((await page.getAttribute('[data-metric="REVENUE"]', 'data-targets'))!)).toEqual(expected);
      await page.close();
    });

    it('a link with values the controls refuse keeps the defaults for those and shows the view', async () => {
      const page = await open(
        `${origin}/?from=not-a-date&to=2026-13-45&source=BOGUS&interval=__proto__#token=${token}`,
      );
      await page.waitForSelector('body[data-loaded]', { timeout: 20_000 });
      expect(await page.getAttribute('body', 'data-loaded')).toBe('2026-08-01T00:00:00.000Z|2026-11-01T00:00:00.000Z|');
      expect(await page.getAttribute('#status', 'class')).not.toBe('error');
      await page.close();
    });

    it('a principal whose cost bucket runs dry waits out the Retry-After and still shows the view (no error)', async () => {
      // one view costs about 570 points; a bucket of 700 refilled at 60/s refuses the second view unless 7 s passed
      // between them (at 300/s a loaded machine's 1.5 s between the views refilled it, and nothing was refused)
      const small = await createServer(
        { ...testConfig, limits: { ...testConfig.limits, bucketCapacity: 700, refillPerSecond: 60 } },
        db.ds,
        0,
      );
      try {
        const base = small.url.replace('/graphql', '').replace('localhost', '127.0.0.1');
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const limited: number[] = [];
        page.on('response', (r) => void (r.status() === 429 && limited.push(r.status())));
        await page.goto(`${base}/#token=${token}`);
        await page.waitForSelector('body[data-loaded]', { timeout: 20_000 });
        const [from, to] = (await page.getAttribute('body', 'data-loaded'))!.split('|');
        await page.selectOption('#source', 'EMAIL');
        await page.click('#filters button');
        await page.waitForSelector(`body[data-loaded="${from}|${to}|EMAIL"]`, { timeout: 30_000 });
        expect(limited.length).toBeGreaterThan(0); // it was refused, waited, and got through
        expect(Number(await page.getAttribute('body', 'data-waited'))).toBeGreaterThan(0);
        expect(await page.getAttribute('#status', 'class')).not.toBe('error');
        const k = (
          await gql(
            `query($from: DateTimeISO!, $to: DateTimeISO!) { kpis(input: { from: $from, to: $to, sources: [EMAIL] }) { leads } }`,
            {
              from,
              to,
            },
          )
        ).kpis;
        expect(await values(page, '[data-field="leads"]')).toEqual([k.leads]);
        await page.close();
      } finally {
        await small.stop();
      }
    });

    it('shows days in the configured time zone and amounts in the configured currency (Europe/Berlin, EUR)', async () => {
      const berlin = await createServer(
        { ...testConfig, reporting: { timeZone: 'Europe/Berlin', currency: 'EUR' } },
        db.ds,
        0,
      );
      try {
        const base = berlin.url.replace('/graphql', '').replace('localhost', '127.0.0.1');
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(`${base}/?from=2026-03-01&to=2026-04-01#token=${token}`);
        await page.waitForSelector('body[data-loaded]', { timeout: 20_000 });
        // local midnights: CET on 1 March, CEST (summer time from 29 March) on 1 April
        expect(await page.getAttribute('body', 'data-loaded')).toBe(
          '2026-02-28T23:00:00.000Z|2026-03-31T22:00:00.000Z|',
        );
        expect(await page.textContent('[data-kpi="revenue"] .value')).toMatch(/^€/);
        expect(await page.textContent('#status')).toContain('Europe/Berlin, amounts in EUR');
        const days = (
          await gql(
            `query($metrics: [KpiMetric!]!) { kpiSeries(input: { from: "2026-02-28T23:00:00Z", to: "2026-03-31T22:00:00Z",
              interval: DAY, timeZone: "Europe/Berlin", metrics: $metrics }) { value } }`,
            { metrics: ['LEADS'] },
          )
        ).kpiSeries.map((p: { value: number }) => p.value);
        expect(days.length).toBe(31);
        expect(await chartValues(page, 'LEADS')).toEqual(days);
        await page.close();
      } finally {
        await berlin.stop();
      }
    });

    it('shows the agreement in force, hand-off feedback by campaign and a backtest of the draft: the numbers the API gives', async () => {
      const page = await open(`${origin}/#token=${token}`);
      await page.waitForSelector('body[data-loaded]', { timeout: 20_000 });
      const [from, to] = (await page.getAttribute('body', 'data-loaded'))!.split('|');
      const api = await gql(
        `query($from: DateTimeISO!, $to: DateTimeISO!) {
          activeQualificationDefinition { id version approvals { sub } }
          qualificationDefinitions(status: DRAFT) { id version }
          handoffFeedback(input: { from: $from, to: $to, groupBy: CAMPAIGN }) {
            total { mqls accepted returned acceptanceRate { value } slaCompliance { value } }
            groups { key mqls accepted returned pending acceptanceRate { value } responseHours { median } slaCompliance { value } } } }`,
        { from, to },
      );
      const active = api.activeQualificationDefinition;
      expect(await page.getAttribute('[data-version]', 'data-version')).toBe(String(active.version));
      expect(await page.textContent('#agreement-definition')).toContain(active.approvals[1].sub);
      const h = api.handoffFeedback;
      expect(h.total.mqls).toBeGreaterThan(0);
      for (const g of h.groups) {
        const cell = (f: string) => values(page, `tr[data-handoff="${g.key}"] [data-field="${f}"]`);
        expect([
          g.key,
          await cell('mqls'),
          await cell('accepted'),
          await cell('returned'),
          await cell('pending'),
        ]).toEqual([g.key, [g.mqls], [g.accepted], [g.returned], [g.pending]]);
        expect(await cell('acceptance')).toEqual([g.acceptanceRate.value]);
        expect(await cell('responseMedian')).toEqual([g.responseHours.median]);
        expect(await cell('sla')).toEqual([g.slaCompliance.value]);
      }
      expect(await values(page, 'tr[data-handoff="TOTAL"] [data-field="mqls"]')).toEqual([h.total.mqls]);

      // the backtest form: the draft beside the active version
      const draft = api.qualificationDefinitions[0];
      await page.selectOption('#backtest-version', draft.id);
      await page.click('#backtest-form button');
      await page.waitForSelector(`body[data-backtest="${draft.id}"]`);
      const B = `query($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { qualificationBacktest(input: { definitionId: $id, from: $from, to: $to }) {
        definition { qualified precisionSql { value } rejected } actual { qualified } } }`;
      const cand = (await gql(B, { id: draft.id, from, to })).qualificationBacktest;
      const act = (await gql(B, { id: active.id, from, to })).qualificationBacktest;
      const side = (row: string, s: string) => values(page, `tr[data-row="${row}"] [data-side="${s}"]`);
      expect(await side('qualified', 'candidate')).toEqual([cand.definition.qualified]);
      expect(await side('qualified', 'active')).toEqual([act.definition.qualified]);
      expect(await side('qualified', 'actual')).toEqual([cand.actual.qualified]);
      expect(await side('precisionSql', 'candidate')).toEqual([cand.definition.precisionSql.value]);
      expect(await side('rejected', 'active')).toEqual([act.definition.rejected]);
      expect(act.definition.qualified).toBeGreaterThan(cand.definition.qualified);
      await page.locator('#backtest').scrollIntoViewIfNeeded();
      await page.screenshot({ path: SCREENSHOT.replace('dashboard.png', 'dashboard-agreement.png'), fullPage: true });
      expect(external).toEqual([]);
      await page.close();
    });

    it('shows which deals close: the significant signals first, every one on request, the numbers the API gives', async () => {
      const page = await open(`${origin}/#token=${token}`);
      await page.waitForSelector('body[data-loaded][data-closing="significant"]', { timeout: 20_000 });
      const [from, to] = (await page.getAttribute('body', 'data-loaded'))!.split('|');
      const p = (
        await gql(
          `query($from: DateTimeISO!, $to: DateTimeISO!) { closingProfile(input: { from: $from, to: $to }) {
            baseRate { value } signals { dimension key successes failures rate { value } oddsRatio qValue } } }`,
          { from, to },
        )
      ).closingProfile;
      expect(p.signals.length).toBeGreaterThan(0);
      expect(await values(page, '[data-field="baseRate"]')).toEqual([p.baseRate.value]);
      type S = {
        dimension: string;
        key: string;
        successes: number;
        failures: number;
        oddsRatio: number;
        qValue: number;
      };
      const shown = async () =>
        page.$$eval('#closing tr[data-signal]', (rows) => rows.map((r) => r.getAttribute('data-signal')));
      const significant = p.signals.filter((s: S) => s.qValue < 0.05);
      expect(await shown()).toEqual(significant.map((s: S) => `${s.dimension}:${s.key}`));
      await page.check('#closing-all');
      await page.waitForSelector('body[data-closing="all"]');
      expect(await shown()).toEqual(p.signals.map((s: S) => `${s.dimension}:${s.key}`));
      await page.locator('#closing').screenshot({ path: SCREENSHOT.replace('dashboard.png', 'dashboard-closing.png') });
      for (const s of p.signals.slice(0, 10) as S[]) {
        const cell = (f: string) => values(page, `tr[data-signal="${s.dimension}:${s.key}"] [data-field="${f}"]`);
        expect([
          s.key,
          await cell('successes'),
          await cell('failures'),
          await cell('oddsRatio'),
          await cell('qValue'),
        ]).toEqual([s.key, [s.successes], [s.failures], [s.oddsRatio], [s.qValue]]);
      }
      expect(external).toEqual([]);
      await page.close();
    });

    it.each([360, 390, 768, 1400])('at %i px wide: no sideways scrolling, funnel bars visible', async (width) => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(`${origin}/#token=${token}`);
      await page.waitForSelector('body[data-loaded]', { timeout: 20_000 });
      const layout = (await page.evaluate(LAYOUT_PROBE)) as {
        scroll: number;
        client: number;
        over: string[];
        widestBar: number;
      };
      expect([width, layout.scroll <= layout.client, layout.over]).toEqual([width, true, []]);
      // the longest funnel bar takes a good part of its table (not a dot)
      expect(layout.widestBar).toBeGreaterThan(0.25);
      await page.screenshot({
        path: path.join(__dirname, '..', '..', '..', 'docs', `dashboard-${width}.png`),
        fullPage: false,
      });
      await page.close();
    });

    it('asks for a token when it has none, and says UNAUTHENTICATED for a bad one', async () => {
      const page = await open(`${origin}/`);
      await page.waitForSelector('#login:not([hidden])');
      await page.fill('#token', 'not-a-token');
      await page.click('#login button');
      await page.waitForSelector('#status.error');
      expect(await page.textContent('#status')).toMatch(/^UNAUTHENTICATED/);
      await page.close();
    });

    it('GraphiQL at /graphiql renders from the server alone (no CDN) and runs a query with the token', async () => {
      const page = await open(`${origin}/graphiql#token=${token}`);
      await page.waitForSelector('.graphiql-container');
      await page.click('.graphiql-execute-button');
      await page.waitForSelector('.graphiql-response >> text=ANALYST', { timeout: 15_000 });
      expect(await page.textContent('.graphiql-response')).toContain('"leads"');
      expect(external).toEqual([]);
      await page.close();
    });
  },
);
