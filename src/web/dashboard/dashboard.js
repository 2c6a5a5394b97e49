// The funnel dashboard: plain ES module, no build step, only the public GraphQL API (one request per view).
// Every number shown carries its raw value in data-value, so what is read can be checked against the API.

import { $, day, el, gql, loadSettings, monthStart, num, scopeNote, settings, startOfDay } from './ui.js';
import { HANDOFF_GROUPS, showAgreement } from './agreement.js';
import { showClosing } from './closing.js';
import { autoInterval, showTrends } from './trends.js';

const CHANNELS = [
  'EMAIL',
  'PAID_SEARCH',
  'PAID_SOCIAL',
  'ORGANIC_SEARCH',
  'ORGANIC_SOCIAL',
  'CONTENT',
  'WEBINAR',
  'EVENT',
  'REFERRAL',
  'PARTNER',
  'DIRECT',
  'OUTBOUND',
  'OTHER',
];
export const MODELS = [
  ['ft', 'FIRST_TOUCH', 'First touch'],
  ['lt', 'LAST_TOUCH', 'Last touch'],
  ['lin', 'LINEAR', 'Linear'],
  ['w', 'W_SHAPED', 'W-shaped'],
  ['td', 'TIME_DECAY', 'Time decay'],
  ['mk', 'MARKOV', 'Markov'],
];
/** field of `kpis`, title, kind, the KPI metric of its target and its trend (none for the pipeline snapshots). */
export const TILES = [
  ['leads', 'Leads', 'count', 'LEADS'],
  ['mqls', 'MQLs', 'count', 'MQLS'],
  ['sqls', 'SQLs', 'count', 'SQLS'],
  ['wonDeals', 'Won deals', 'count', 'WON_DEALS'],
  ['revenue', 'Revenue', 'money', 'REVENUE'],
  ['winRate', 'Win rate', 'ratio', 'WIN_RATE'],
  ['spend', 'Spend', 'money', 'SPEND'],
  ['cac', 'CAC', 'money', 'CAC'],
  ['openPipeline', 'Open pipeline', 'money'],
  ['pipelineVelocity', 'Pipeline velocity / day', 'money'],
];

export const DASHBOARD_QUERY = `query Dashboard($from: DateTimeISO!, $to: DateTimeISO!, $sources: [Channel!], $breakdown: FunnelBreakdown) {
  kpis(input: { from: $from, to: $to, sources: $sources }) { leads mqls sqls wonDeals revenue spend cac openPipeline pipelineVelocity winRate { numerator denominator value } }
  funnel(input: { from: $from, to: $to, sources: $sources, breakdown: $breakdown }) { isComplete steps { stage label count conversionFromPrevious { numerator denominator value } }
    groups { key label steps { stage count } } }
  pipelineFunnel(input: { from: $from, to: $to }) { steps { stage label count conversionFromPrevious { numerator denominator value } } }
  kpiTargets(from: $from, to: $to) { metric periodStart periodEnd target actual attainment { value } }
  ${MODELS.map(([alias, model]) => `${alias}: attribution(input: { model: ${model}, from: $from, to: $to }) { ...A }`).join('\n  ')}
}
fragment A on AttributionReport { revenue unattributedRevenue rows { key label revenue spend roi { value } } }`;

/** Period choices as calendar days of the configured zone: every KPI target period (latest first), the last 12
 * months, this and last calendar quarter. */
async function periodChoices() {
  const today = day(new Date());
  const month = `${today.slice(0, 7)}-01`;
  const quarter = monthStart(month, -((Number(today.slice(5, 7)) - 1) % 3));
  const choices = [
    ['Last 12 months', monthStart(month, -11), monthStart(month, 1)],
    ['This quarter', quarter, monthStart(quarter, 3)],
    ['Last quarter', monthStart(quarter, -3), quarter],
  ];
  const { kpiTargets } = await gql(
    `{ kpiTargets(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { periodStart periodEnd } }`,
  );
  const seen = new Set();
  const targets = kpiTargets
    .map((t) => [day(new Date(t.periodStart)), day(new Date(t.periodEnd))])
    .filter(([a, b]) => !seen.has(`${a}|${b}`) && seen.add(`${a}|${b}`) && a <= today)
    .sort((x, y) => (x[0] < y[0] ? 1 : -1))
    .map(([a, b]) => [`Target period ${a} → ${b}`, a, b]);
  return [...targets, ...choices];
}

function renderTiles(k, targets, from, to) {
  const exact = (metric) =>
    targets.find((t) => t.metric === metric && +new Date(t.periodStart) === +from && +new Date(t.periodEnd) === +to);
  $('tiles').replaceChildren(
    ...TILES.map(([field, name, kind, metric]) => {
      const value = field === 'winRate' ? k.winRate.value : k[field];
      const t = metric ? exact(metric) : null;
      const target = t
        ? el(
            'div',
            { class: `target ${t.attainment.value >= 1 ? 'met' : 'missed'}` },
            'target ',
            num(t.target, kind, { 'data-target': metric }),
            ' · ',
            num(t.attainment.value, 'ratio', { 'data-attainment': metric }),
          )
        : el(
            'div',
            { class: 'target' },
            field === 'winRate' ? `${k.winRate.numerator} of ${k.winRate.denominator} closed` : '\u00a0',
          );
      return el(
        'div',
        { class: 'tile', 'data-kpi': field },
        el('div', { class: 'name' }, name),
        el('div', { class: 'value' }, num(value, kind, { 'data-field': field })),
        target,
        el('div', { class: 'spark' }),
      );
    }),
  );
}

function renderSteps(table, steps) {
  const max = Math.max(1, ...steps.map((s) => s.count));
  table.replaceChildren(
    el('tr', {}, el('th', {}, 'Stage'), el('th', {}, 'Count'), el('th', {}, 'From previous'), el('th', {}, '')),
    ...steps.map((s) =>
      el(
        'tr',
        { 'data-stage': s.stage },
        el('td', {}, s.label),
        el('td', {}, num(s.count, 'count', { 'data-count': s.stage })),
        el('td', {}, num(s.conversionFromPrevious?.value ?? null, 'ratio', { 'data-conversion': s.stage })),
        el('td', { class: 'bar' }, el('span', { style: `width:${(100 * s.count) / max}%` })),
      ),
    ),
  );
}

function renderAttribution(data) {
  const keys = new Map();
  for (const [alias] of MODELS)
    for (const r of data[alias].rows) if (!keys.has(r.key)) keys.set(r.key, { label: r.label, spend: r.spend });
  const order = [...keys.keys()].sort(
    (a, b) =>
      (data.lin.rows.find((r) => r.key === b)?.revenue ?? 0) - (data.lin.rows.find((r) => r.key === a)?.revenue ?? 0),
  );
  const head = el(
    'tr',
    {},
    el('th', {}, 'Campaign'),
    el('th', {}, 'Spend'),
    ...MODELS.flatMap(([, , name]) => [el('th', {}, name), el('th', {}, 'ROI')]),
  );
  const rows = order.map((key) =>
    el(
      'tr',
      { 'data-campaign': key },
      el('td', {}, keys.get(key).label),
      el('td', {}, num(keys.get(key).spend, 'money')),
      ...MODELS.flatMap(([alias, model]) => {
        const r = data[alias].rows.find((x) => x.key === key);
        return [
          el('td', {}, num(r?.revenue ?? 0, 'money', { 'data-revenue': model })),
          el('td', {}, num(r?.roi.value ?? null, 'ratio', { 'data-roi': model })),
        ];
      }),
    ),
  );
  const unattributed = el(
    'tr',
    {},
    el('td', {}, 'Unattributed'),
    el('td', {}, ''),
    ...MODELS.flatMap(([alias, model]) => [
      el('td', {}, num(data[alias].unattributedRevenue, 'money', { 'data-unattributed': model })),
      el('td', {}, ''),
    ]),
  );
  const total = el(
    'tr',
    {},
    el('th', {}, 'Won revenue'),
    el('th', {}, ''),
    ...MODELS.flatMap(([alias, model]) => [
      el('th', {}, num(data[alias].revenue, 'money', { 'data-total': model })),
      el('th', {}, ''),
    ]),
  );
  $('attribution').replaceChildren(head, ...rows, unattributed, total);
}

function renderTargets(targets) {
  const kind = (m) => (m === 'REVENUE' ? 'money' : m === 'WIN_RATE' ? 'ratio' : 'count');
  $('targets').replaceChildren(
    el(
      'tr',
      {},
      el('th', {}, 'Metric'),
      el('th', {}, 'Period'),
      el('th', {}, 'Target'),
      el('th', {}, 'Actual'),
      el('th', {}, 'Attainment'),
    ),
    ...targets.map((t) =>
      el(
        'tr',
        { 'data-metric': t.metric, 'data-period': t.periodStart },
        el('td', {}, t.metric),
        el('td', {}, `${day(new Date(t.periodStart))} → ${day(new Date(t.periodEnd))}`),
        el('td', {}, num(t.target, kind(t.metric))),
        el('td', {}, num(t.actual, kind(t.metric))),
        el('td', {}, num(t.attainment.value, 'ratio')),
      ),
    ),
  );
}

/** The funnel by the chosen breakdown: a row per group, the count of each stage. */
function renderBreakdown(funnel, breakdown) {
  const table = $('funnel-groups');
  if (!breakdown) return void table.replaceChildren();
  const stages = funnel.steps.map((s) => s.stage);
  const labels = funnel.steps.map((s) => s.label);
  table.replaceChildren(
    el('tr', {}, el('th', {}, BREAKDOWNS.find(([b]) => b === breakdown)[1]), ...labels.map((l) => el('th', {}, l))),
    ...funnel.groups.map((g) =>
      el(
        'tr',
        { 'data-group': g.key },
        el('td', {}, g.label),
        ...stages.map((stage) =>
          el('td', {}, num(g.steps.find((x) => x.stage === stage)?.count ?? 0, 'count', { 'data-count': stage })),
        ),
      ),
    ),
  );
}

/** The funnel's breakdowns (FunnelBreakdown) and their column titles. */
const BREAKDOWNS = [
  ['', 'No breakdown'],
  ['CHANNEL', 'Source'],
  ['CAMPAIGN', 'First-touch campaign'],
  ['OWNER', 'Owner'],
  ['INDUSTRY', 'Industry'],
  ['REGION', 'Region'],
];
const INTERVALS = [
  ['', 'Auto'],
  ['DAY', 'Day'],
  ['WEEK', 'Week'],
  ['MONTH', 'Month'],
  ['QUARTER', 'Quarter'],
];

/** The view's state, all of it in the URL's query string (a link reproduces the view). */
const FILTERS = ['from', 'to', 'source', 'interval', 'breakdown', 'handoff'];
/** The control of a filter (the hand-off grouping's select: the table is #handoff). */
const control = (f) => $(f === 'handoff' ? 'handoff-by' : f);
const state = () => Object.fromEntries(FILTERS.map((f) => [f, control(f).value]));
function writeUrl(s) {
  const q = new URLSearchParams(Object.entries(s).filter(([, v]) => v));
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

async function show() {
  const s = state();
  writeUrl(s);
  const from = startOfDay(s.from);
  const to = startOfDay(s.to);
  const source = s.source;
  $('status').className = '';
  $('status').textContent = 'Loading…';
  const data = await gql(DASHBOARD_QUERY, {
    from: from.toISOString(),
    to: to.toISOString(),
    sources: source ? [source] : null,
    breakdown: s.breakdown || null,
  });
  renderTiles(data.kpis, data.kpiTargets, from, to);
  renderSteps($('funnel'), data.funnel.steps);
  $('funnel-note').textContent =
    `leads entering in the period, cohort conversion${data.funnel.isComplete ? '' : ' · still maturing'}`;
  renderBreakdown(data.funnel, s.breakdown);
  renderSteps($('pipeline'), data.pipelineFunnel.steps);
  renderAttribution(data);
  renderTargets(data.kpiTargets);
  const interval = s.interval || autoInterval(from, to);
  const tileMetrics = TILES.filter((t) => t[3]).map(([field, , , metric]) => [field, metric]);
  $('board').hidden = false; // the charts take their containers' widths
  await Promise.all([
    showAgreement(from, to, s.handoff),
    showClosing(from, to),
    showTrends({ from, to, source, interval, targets: data.kpiTargets, tileMetrics }),
  ]);
  // which panels follow the Source filter (the others say they show every source)
  for (const [id, applies] of [
    ['scope-kpis', true],
    ['scope-trends', true],
    ['scope-funnel', true],
    ['scope-pipeline', false],
    ['scope-attribution', false],
    ['scope-handoff', false],
    ['scope-backtest', false],
    ['scope-closing', false],
    ['scope-targets', false],
  ])
    scopeNote(id, source, applies);
  $('status').textContent =
    `${s.from} → ${s.to} (${settings.timeZone}, amounts in ${settings.currency})${source ? `, ${source}` : ''}`;
  document.body.dataset.loaded = `${from.toISOString()}|${to.toISOString()}|${source}`;
}

async function start() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    localStorage.setItem('funnel-token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const options = (id, list) => $(id).append(...list.map(([v, label]) => el('option', { value: v }, label)));
  options(
    'source',
    CHANNELS.map((c) => [c, c]),
  );
  options('breakdown', BREAKDOWNS);
  options('interval', INTERVALS);
  options('handoff-by', HANDOFF_GROUPS);
  const fail = (e) => {
    $('status').className = 'error';
    $('status').textContent = e.message;
    if (e.code === 'UNAUTHENTICATED') $('login').hidden = false;
  };
  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault();
    localStorage.setItem('funnel-token', $('token').value.trim());
    location.reload();
  });
  if (!localStorage.getItem('funnel-token')) {
    $('login').hidden = false;
    return;
  }
  try {
    await loadSettings();
    const choices = await periodChoices();
    $('period').replaceChildren(...choices.map(([label], i) => el('option', { value: i }, label)));
    const pick = (i) => {
      $('from').value = choices[i][1];
      $('to').value = choices[i][2];
    };
    pick(0);
    // a link's filters win over the defaults; a value a control refuses (no such option, not a date) keeps the default
    const params = new URLSearchParams(location.search);
    for (const f of FILTERS) {
      const before = control(f).value;
      if (params.get(f)) control(f).value = params.get(f);
      if (control(f).value === '' && before !== '') control(f).value = before;
    }
    const rerun = () => show().catch(fail);
    $('period').addEventListener('change', () => pick(Number($('period').value)));
    $('filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      rerun();
    });
    for (const id of ['breakdown', 'handoff-by']) $(id).addEventListener('change', rerun);
    await show();
  } catch (e) {
    fail(e);
  }
}

start();
