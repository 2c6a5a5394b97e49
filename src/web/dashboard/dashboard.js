// The funnel dashboard: plain ES module, no build step, only the public GraphQL API (one request per view).
// Every number shown carries its raw value in data-value, so what is read can be checked against the API.

import { $, day, el, gql, num, utc } from './ui.js';
import { showAgreement } from './agreement.js';
import { showClosing } from './closing.js';

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
export const TILES = [
  ['leads', 'Leads', 'count'],
  ['mqls', 'MQLs', 'count', 'MQLS'],
  ['sqls', 'SQLs', 'count', 'SQLS'],
  ['wonDeals', 'Won deals', 'count', 'WON_DEALS'],
  ['revenue', 'Revenue', 'money', 'REVENUE'],
  ['winRate', 'Win rate', 'ratio', 'WIN_RATE'],
  ['spend', 'Spend', 'money'],
  ['cac', 'CAC', 'money'],
  ['openPipeline', 'Open pipeline', 'money'],
  ['pipelineVelocity', 'Pipeline velocity / day', 'money'],
];

export const DASHBOARD_QUERY = `query Dashboard($from: DateTimeISO!, $to: DateTimeISO!, $sources: [Channel!]) {
  kpis(input: { from: $from, to: $to, sources: $sources }) { leads mqls sqls wonDeals revenue spend cac openPipeline pipelineVelocity winRate { numerator denominator value } }
  funnel(input: { from: $from, to: $to, sources: $sources }) { isComplete steps { stage label count conversionFromPrevious { numerator denominator value } } }
  pipelineFunnel(input: { from: $from, to: $to }) { steps { stage label count conversionFromPrevious { numerator denominator value } } }
  kpiTargets(from: $from, to: $to) { metric periodStart periodEnd target actual attainment { value } }
  ${MODELS.map(([alias, model]) => `${alias}: attribution(input: { model: ${model}, from: $from, to: $to }) { ...A }`).join('\n  ')}
}
fragment A on AttributionReport { revenue unattributedRevenue rows { key label revenue spend roi { value } } }`;

/** Period choices: last 12 months, this and last calendar quarter, and every KPI target period (latest first). */
async function periodChoices() {
  const now = new Date();
  const q = Math.floor(now.getUTCMonth() / 3) * 3;
  const choices = [
    [
      'Last 12 months',
      new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth() + 1, 1)),
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
    ],
    [
      'This quarter',
      new Date(Date.UTC(now.getUTCFullYear(), q, 1)),
      new Date(Date.UTC(now.getUTCFullYear(), q + 3, 1)),
    ],
    [
      'Last quarter',
      new Date(Date.UTC(now.getUTCFullYear(), q - 3, 1)),
      new Date(Date.UTC(now.getUTCFullYear(), q, 1)),
    ],
  ];
  const { kpiTargets } = await gql(
    `{ kpiTargets(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { periodStart periodEnd } }`,
  );
  const seen = new Set();
  const targets = kpiTargets
    .map((t) => [new Date(t.periodStart), new Date(t.periodEnd)])
    .filter(([a, b]) => !seen.has(`${+a}|${+b}`) && seen.add(`${+a}|${+b}`) && a <= now)
    .sort((x, y) => y[0] - x[0])
    .map(([a, b]) => [`Target period ${day(a)} → ${day(b)}`, a, b]);
  return { choices: [...targets, ...choices], preferred: 0 };
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

async function show() {
  const from = utc($('from').value);
  const to = utc($('to').value);
  const source = $('source').value;
  $('status').className = '';
  $('status').textContent = 'Loading…';
  const data = await gql(DASHBOARD_QUERY, {
    from: from.toISOString(),
    to: to.toISOString(),
    sources: source ? [source] : null,
  });
  renderTiles(data.kpis, data.kpiTargets, from, to);
  renderSteps($('funnel'), data.funnel.steps);
  $('funnel-note').textContent =
    `leads entering in the period, cohort conversion${source ? ` · source ${source}` : ''}${data.funnel.isComplete ? '' : ' · still maturing'}`;
  renderSteps($('pipeline'), data.pipelineFunnel.steps);
  renderAttribution(data);
  renderTargets(data.kpiTargets);
  await Promise.all([showAgreement(from, to), showClosing(from, to)]);
  $('board').hidden = false;
  $('status').textContent = `${day(from)} → ${day(to)} (UTC)${source ? `, ${source}` : ''}`;
  document.body.dataset.loaded = `${from.toISOString()}|${to.toISOString()}|${source}`;
}

async function start() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    localStorage.setItem('funnel-token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  $('source').append(...CHANNELS.map((c) => el('option', { value: c }, c)));
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
    const { choices, preferred } = await periodChoices();
    $('period').replaceChildren(...choices.map(([label, a, b], i) => el('option', { value: i }, label)));
    const pick = (i) => {
      $('from').value = day(choices[i][1]);
      $('to').value = day(choices[i][2]);
    };
    const params = new URLSearchParams(location.search);
    pick(preferred);
    if (params.get('from')) $('from').value = params.get('from');
    if (params.get('to')) $('to').value = params.get('to');
    if (params.get('source')) $('source').value = params.get('source');
    $('period').addEventListener('change', () => pick(Number($('period').value)));
    $('filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      show().catch(fail);
    });
    await show();
  } catch (e) {
    fail(e);
  }
}

start();
