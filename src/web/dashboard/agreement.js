// The agreement panel of the dashboard: the definition in force (rules, thresholds, who approved when), sales'
// hand-off feedback for the period by campaign, source, owner (…), and a backtest form comparing another version with
// the active one.

import { $, day, el, gql, num } from './ui.js';

export const AGREEMENT_QUERY = `query Agreement($from: DateTimeISO!, $to: DateTimeISO!, $groupBy: HandoffGroupBy!) {
  activeQualificationDefinition { id version name note activatedAt fitThreshold engagementThreshold engagementWindowDays
    engagementHalfLifeDays responseSlaHours fitRules { attribute op values min max points }
    engagementRules { touchType channel points maxCount } approvals { sub role at } }
  qualificationDefinitions { id version name status }
  handoffFeedback(input: { from: $from, to: $to, groupBy: $groupBy }) { slaHours total { ...G } groups { ...G } }
}
fragment G on HandoffGroup { key label mqls accepted returned pending acceptanceRate { value }
  rejectionReasons { reason count } responseHours { count median } slaCompliance { value } }`;

export const BACKTEST_QUERY = `query Backtest($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  qualificationBacktest(input: { definitionId: $id, from: $from, to: $to }) { leads both onlyDefinition onlyActual
    definition { ...S } actual { ...S } } }
fragment S on BacktestSide { qualified precisionSql { value } recallSql { value } precisionCustomer { value }
  recallCustomer { value } rejected medianDaysToQualify }`;

const rule = (r) =>
  r.op === 'BETWEEN'
    ? `${r.attribute} ${r.min ?? '−∞'} ≤ v < ${r.max ?? '∞'}`
    : `${r.attribute} ${r.op.replace('_', ' ')} ${r.values.join(', ')}`;
const touch = (r) =>
  `${[r.touchType, r.channel].filter(Boolean).join(' on ') || 'any touch'}${r.maxCount ? ` (latest ${r.maxCount})` : ''}`;

function renderDefinition(d) {
  if (!d) {
    $('agreement-definition').replaceChildren(
      el('p', {}, 'No definition is active: MQLs are recorded by hand, the response SLA is 24 h.'),
    );
    return;
  }
  const rows = (title, list, label) =>
    list.map((r, i) =>
      el('tr', {}, el('td', {}, i ? '' : title), el('td', {}, label(r)), el('td', {}, num(r.points, 'count'))),
    );
  $('agreement-definition').replaceChildren(
    el(
      'p',
      { 'data-version': d.version },
      el('strong', {}, `v${d.version} ${d.name}`),
      ` · in force since ${day(new Date(d.activatedAt))} · approved by `,
      d.approvals.map((a) => `${a.sub} (${a.role}, ${day(new Date(a.at))})`).join(' and '),
    ),
    el(
      'p',
      {},
      `Qualified when fit ≥ ${d.fitThreshold} and engagement ≥ ${d.engagementThreshold} (touches of the last ${d.engagementWindowDays} days`,
      d.engagementHalfLifeDays ? `, half-life ${d.engagementHalfLifeDays} days` : '',
      `); sales responds within ${d.responseSlaHours} h.`,
    ),
    el(
      'div',
      { class: 'scroll' },
      el(
        'table',
        { class: 'grid' },
        el('tr', {}, el('th', {}, ''), el('th', {}, 'Rule'), el('th', {}, 'Points')),
        ...rows('Fit', d.fitRules, rule),
        ...rows('Engagement', d.engagementRules, touch),
      ),
    ),
  );
}

/** The hand-off panel's groupings (HandoffGroupBy) and their column titles. */
export const HANDOFF_GROUPS = [
  ['CAMPAIGN', 'Campaign'],
  ['SOURCE', 'Source'],
  ['OWNER', 'Owner'],
  ['CHANNEL', 'Channel of the qualifying touch'],
  ['QUALIFICATION_VERSION', 'Definition version'],
  ['SCORE_BAND', 'Score band'],
];

function renderHandoff(h, groupBy) {
  const row = (g, tag) =>
    el(
      'tr',
      { 'data-handoff': g.key },
      el(tag, {}, g.label),
      el(tag, {}, num(g.mqls, 'count', { 'data-field': 'mqls' })),
      el(tag, {}, num(g.accepted, 'count', { 'data-field': 'accepted' })),
      el(tag, {}, num(g.returned, 'count', { 'data-field': 'returned' })),
      el(tag, {}, num(g.pending, 'count', { 'data-field': 'pending' })),
      el(tag, {}, num(g.acceptanceRate.value, 'ratio', { 'data-field': 'acceptance' })),
      el(tag, {}, g.rejectionReasons.map((r) => `${r.reason} ${r.count}`).join(', ') || '–'),
      el(tag, {}, num(g.responseHours.median, 'count', { 'data-field': 'responseMedian' })),
      el(tag, {}, num(g.slaCompliance.value, 'ratio', { 'data-field': 'sla' })),
    );
  $('handoff-sla').textContent = `SLA ${h.slaHours} h`;
  $('handoff').replaceChildren(
    el(
      'tr',
      {},
      ...[
        HANDOFF_GROUPS.find(([g]) => g === groupBy)[1],
        'MQLs',
        'Accepted',
        'Returned',
        'Pending',
        'Acceptance',
        'Returned why',
        'Median response h',
        'SLA met',
      ].map((t) => el('th', {}, t)),
    ),
    ...h.groups.map((g) => row(g, 'td')),
    row(h.total, 'th'),
  );
}

const SIDE_ROWS = [
  ['qualified', 'Qualified', (s) => s.qualified, 'count'],
  ['precisionSql', 'Reached SQL (precision)', (s) => s.precisionSql.value, 'ratio'],
  ['recallSql', 'Of all SQLs (recall)', (s) => s.recallSql.value, 'ratio'],
  ['precisionCustomer', 'Became customers (precision)', (s) => s.precisionCustomer.value, 'ratio'],
  ['recallCustomer', 'Of all customers (recall)', (s) => s.recallCustomer.value, 'ratio'],
  ['rejected', 'Returned by sales', (s) => s.rejected, 'count'],
  ['medianDaysToQualify', 'Median days to qualify', (s) => s.medianDaysToQualify, 'count'],
];

async function runBacktest(candidateId, activeId, from, to) {
  const vars = { from: from.toISOString(), to: to.toISOString() };
  const [cand, active] = await Promise.all([
    gql(BACKTEST_QUERY, { ...vars, id: candidateId }),
    activeId ? gql(BACKTEST_QUERY, { ...vars, id: activeId }) : null,
  ]);
  const c = cand.qualificationBacktest;
  const a = active?.qualificationBacktest;
  $('backtest').replaceChildren(
    el(
      'tr',
      {},
      el('th', {}, `${c.leads} leads created in the period`),
      el('th', {}, 'This version'),
      el('th', {}, 'Active version'),
      el('th', {}, 'Actual practice'),
    ),
    ...SIDE_ROWS.map(([key, label, get, kind]) =>
      el(
        'tr',
        { 'data-row': key },
        el('td', {}, label),
        el('td', {}, num(get(c.definition), kind, { 'data-side': 'candidate' })),
        el('td', {}, num(a ? get(a.definition) : null, kind, { 'data-side': 'active' })),
        el('td', {}, num(get(c.actual), kind, { 'data-side': 'actual' })),
      ),
    ),
  );
  document.body.dataset.backtest = candidateId;
}

/** Loads and draws the panel for the period (hand-off grouped by `groupBy`); wires the backtest form. */
export async function showAgreement(from, to, groupBy) {
  const data = await gql(AGREEMENT_QUERY, { from: from.toISOString(), to: to.toISOString(), groupBy });
  const active = data.activeQualificationDefinition;
  renderDefinition(active);
  renderHandoff(data.handoffFeedback, groupBy);
  const others = data.qualificationDefinitions.filter((d) => d.id !== active?.id);
  $('backtest-version').replaceChildren(
    ...others.map((d) => el('option', { value: d.id }, `v${d.version} ${d.name} (${d.status})`)),
  );
  $('backtest-form').hidden = others.length === 0;
  $('backtest-form').onsubmit = (ev) => {
    ev.preventDefault();
    runBacktest($('backtest-version').value, active?.id, from, to).catch((e) => {
      $('status').className = 'error';
      $('status').textContent = e.message;
    });
  };
}
