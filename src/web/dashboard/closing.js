// "Which deals close": the closing profile's signals for the period — odds ratios with their intervals as a forest
// plot on a log scale (1 = no difference from the rest), the significant ones (q < 0.05) by default, all on request.

import { $, el, gql, num } from './ui.js';

export const CLOSING_QUERY = `query Closing($from: DateTimeISO!, $to: DateTimeISO!) {
  closingProfile(input: { from: $from, to: $to }) { successes failures baseRate { value }
    signals { dimension key label successes failures rate { value } rateLow rateHigh oddsRatio oddsRatioLow
      oddsRatioHigh pValue qValue } } }`;

const SIGNIFICANT = 0.05;
/** The plot's axis: odds ratios from 1/BOUND to BOUND, log scale (values beyond are drawn at the edge). */
const BOUND = 100;
const x = (or) => {
  const v = Math.min(Math.max(Math.log(or) / Math.log(BOUND), -1), 1);
  return `${((v + 1) * 50).toFixed(2)}%`;
};

function forest(s) {
  return el(
    'div',
    {
      class: 'forest',
      title: `odds ratio ${s.oddsRatio.toPrecision(3)} [${s.oddsRatioLow.toPrecision(3)}, ${s.oddsRatioHigh.toPrecision(3)}]`,
    },
    el('span', { class: 'forest-one' }),
    el('span', {
      class: 'forest-ci',
      style: `left: ${x(s.oddsRatioLow)}; width: calc(${x(s.oddsRatioHigh)} - ${x(s.oddsRatioLow)})`,
    }),
    el('span', { class: `forest-or ${s.oddsRatio >= 1 ? 'up' : 'down'}`, style: `left: ${x(s.oddsRatio)}` }),
  );
}

function render(p, all) {
  const shown = all ? p.signals : p.signals.filter((s) => s.qValue < SIGNIFICANT);
  $('closing-base').replaceChildren(
    'Base rate ',
    num(p.baseRate.value, 'ratio', { 'data-field': 'baseRate' }),
    ` of ${p.successes + p.failures} deals closed in the period; `,
    all
      ? `all ${p.signals.length} values with at least 5 deals`
      : `${shown.length} of ${p.signals.length} values differ beyond chance (q < ${SIGNIFICANT})`,
  );
  $('closing').replaceChildren(
    el(
      'tr',
      {},
      ...['Dimension', 'Value', 'Won', 'Lost', 'Win rate', 'Odds ratio (log scale, 1 = as the rest)', 'q'].map((t) =>
        el('th', {}, t),
      ),
    ),
    ...shown.map((s) =>
      el(
        'tr',
        { 'data-signal': `${s.dimension}:${s.key}` },
        el('td', {}, s.dimension.replaceAll('_', ' ').toLowerCase()),
        el('td', {}, s.label),
        el('td', {}, num(s.successes, 'count', { 'data-field': 'successes' })),
        el('td', {}, num(s.failures, 'count', { 'data-field': 'failures' })),
        el('td', {}, num(s.rate.value, 'ratio', { 'data-field': 'rate' })),
        el(
          'td',
          { class: 'forest-cell' },
          el(
            'div',
            { class: 'forest-wrap' },
            forest(s),
            el('span', { 'data-field': 'oddsRatio', 'data-value': s.oddsRatio }, s.oddsRatio.toPrecision(3)),
          ),
        ),
        el('td', {}, el('span', { 'data-field': 'qValue', 'data-value': s.qValue }, s.qValue.toPrecision(2))),
      ),
    ),
  );
  if (!shown.length)
    $('closing').append(el('tr', {}, el('td', { colspan: 7 }, 'No value differs beyond chance in this period.')));
  document.body.dataset.closing = all ? 'all' : 'significant';
}

/** Loads and draws the panel for the period; the toggle redraws without asking again. */
export async function showClosing(from, to) {
  const p = (await gql(CLOSING_QUERY, { from: from.toISOString(), to: to.toISOString() })).closingProfile;
  $('closing-all').onchange = () => render(p, $('closing-all').checked);
  render(p, $('closing-all').checked);
}
