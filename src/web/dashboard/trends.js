// Trends: the KPIs per day, week, month or quarter (kpiSeries, buckets in the configured time zone) as a sparkline in
// each tile and a chart per KPI with its targets, drawn by uPlot (vendored, window.uPlot). Every chart carries the
// values it draws in data-values and data-targets, so what is drawn can be checked against the API.

import { $, day, el, fmt, gql, settings } from './ui.js';

/** metric, title, kind, whether a target over a longer period is pro-rated to a bucket (sums; not rates or CAC). */
export const TREND_METRICS = [
  ['LEADS', 'Leads', 'count', true],
  ['MQLS', 'MQLs', 'count', true],
  ['SQLS', 'SQLs', 'count', true],
  ['WON_DEALS', 'Won deals', 'count', true],
  ['REVENUE', 'Revenue', 'money', true],
  ['WIN_RATE', 'Win rate', 'ratio', false],
  ['SPEND', 'Spend', 'money', true],
  ['CAC', 'CAC', 'money', false],
  ['AVERAGE_DEAL_SIZE', 'Average deal size', 'money', false],
  ['MQL_TO_SQL_RATE', 'MQL → SQL', 'ratio', false],
  ['LEAD_REJECTION_RATE', 'Returned by sales', 'ratio', false],
  ['SLA_COMPLIANCE', 'Response within SLA', 'ratio', false],
];

export const SERIES_QUERY = `query Trends($from: DateTimeISO!, $to: DateTimeISO!, $sources: [Channel!], $interval: Interval!,
  $timeZone: String!, $metrics: [KpiMetric!]!) {
  kpiSeries(input: { from: $from, to: $to, sources: $sources, interval: $interval, timeZone: $timeZone, metrics: $metrics }) {
    metric periodStart periodEnd value }
}`;

/** The bucket size for a period when the filter says "auto": about 6 to 60 points. */
export function autoInterval(from, to) {
  const days = (to - from) / 86_400_000;
  return days <= 62 ? 'DAY' : days <= 370 ? 'WEEK' : days <= 1100 ? 'MONTH' : 'QUARTER';
}

/**
 * The target line of a metric per bucket: a target whose period covers the bucket gives its value — for sums,
 * pro-rated to the share of the target's period the bucket covers (a quarter's revenue target over a week's bucket);
 * null where no target covers the bucket.
 */
export function targetLine(targets, metric, additive, buckets) {
  return buckets.map(([s, e]) => {
    const over = targets.filter(
      (t) => t.metric === metric && +new Date(t.periodStart) < +e && +new Date(t.periodEnd) > +s,
    );
    if (!over.length) return null;
    if (!additive) return over[0].target;
    return over.reduce((sum, t) => {
      const [ts, te] = [+new Date(t.periodStart), +new Date(t.periodEnd)];
      return sum + (t.target * (Math.min(te, +e) - Math.max(ts, +s))) / (te - ts);
    }, 0);
  });
}

const COLORS = { line: '#2563eb', fill: 'rgba(37, 99, 235, 0.12)', target: '#b45309' };
/** The charts drawn for the view shown: [uPlot, its container]; destroyed when the next view replaces them. */
const charts = [];

function plot(container, opts, data) {
  const uPlot = window.uPlot;
  const chart = new uPlot({ ...opts, width: Math.max(container.clientWidth, 100) }, data, container);
  charts.push([chart, container]);
  return chart;
}

/** Redraws every chart at its container's width (the layout reflows from 360 px up). */
window.addEventListener('resize', () => {
  for (const [chart, container] of charts) chart.setSize({ width: container.clientWidth, height: chart.height });
});

function sparkline(container, xs, ys) {
  container.replaceChildren();
  plot(
    container,
    {
      height: 34,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false },
      scales: { x: { time: true } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: COLORS.line, fill: COLORS.fill, width: 1.5, points: { show: false } }],
    },
    [xs, ys],
  );
}

function chart(container, title, kind, xs, ys, ts) {
  container.replaceChildren();
  const value = (_u, v) => fmt(v, kind);
  plot(
    container,
    {
      height: 180,
      scales: { x: { time: true } },
      axes: [
        { values: (_u, splits) => splits.map((s) => day(new Date(s * 1000)).slice(5)), size: 30, space: 60 },
        { values: (_u, splits) => splits.map((v) => fmt(v, kind)), size: 64 },
      ],
      series: [
        { value: (_u, s) => (s === null ? '' : day(new Date(s * 1000))) },
        { label: title, stroke: COLORS.line, fill: COLORS.fill, width: 2, value },
        { label: 'target', stroke: COLORS.target, dash: [6, 4], width: 1.5, points: { show: false }, value },
      ],
    },
    [xs, ys, ts],
  );
}

/** Loads the series for the period and scope; draws the tiles' sparklines (`tileMetrics`) and the chart grid. */
export async function showTrends({ from, to, source, interval, targets, tileMetrics }) {
  const data = await gql(SERIES_QUERY, {
    from: from.toISOString(),
    to: to.toISOString(),
    sources: source ? [source] : null,
    interval,
    timeZone: settings.timeZone,
    metrics: TREND_METRICS.map(([m]) => m),
  });
  const byMetric = new Map(TREND_METRICS.map(([m]) => [m, []]));
  for (const p of data.kpiSeries) byMetric.get(p.metric).push(p);
  const buckets = byMetric.get('LEADS').map((p) => [new Date(p.periodStart), new Date(p.periodEnd)]);
  const xs = buckets.map(([s]) => +s / 1000);
  const values = (metric) => byMetric.get(metric).map((p) => p.value);
  for (const [c] of charts.splice(0)) c.destroy();
  for (const [field, metric] of tileMetrics) {
    const spot = document.querySelector(`[data-kpi="${field}"] .spark`);
    if (!spot) continue;
    spot.dataset.values = JSON.stringify(values(metric));
    sparkline(spot, xs, values(metric));
  }
  // the figures first (in the page, so each chart takes its container's width), then the charts
  const drawn = TREND_METRICS.map(([metric, title, kind, additive]) => {
    const [ys, ts] = [values(metric), targetLine(targets, metric, additive, buckets)];
    const box = el('div', { class: 'chart', 'data-metric': metric, 'data-values': JSON.stringify(ys) });
    box.dataset.targets = JSON.stringify(ts);
    return {
      figure: el('figure', {}, el('figcaption', {}, title), box),
      draw: () => chart(box, title, kind, xs, ys, ts),
    };
  });
  $('trends').replaceChildren(...drawn.map((d) => d.figure));
  for (const d of drawn) d.draw();
  $('trends-note').textContent = `per ${interval.toLowerCase()} in ${settings.timeZone}`;
}
