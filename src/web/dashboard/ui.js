// Shared helpers of the dashboard's modules: elements, formatted numbers (raw value in data-value), calendar days in
// the configured time zone, the GraphQL call.

export const $ = (id) => document.getElementById(id);

/** The server's reporting settings (GET /dashboard/settings.json): time zone of the days shown, currency of amounts. */
export const settings = { timeZone: 'UTC', currency: 'USD' };
/** Formatters of the settings, built once per load of them (chart axes format hundreds of values). */
const formatters = () => ({
  money: new Intl.NumberFormat('en-US', { style: 'currency', currency: settings.currency, maximumFractionDigits: 0 }),
  day: new Intl.DateTimeFormat('en-CA', {
    timeZone: settings.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }),
});
let f = formatters();

export async function loadSettings() {
  const res = await fetch('/dashboard/settings.json');
  if (res.ok) Object.assign(settings, await res.json());
  f = formatters();
}

const count = new Intl.NumberFormat('en-US');
export const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
export const fmt = (v, kind) =>
  v === null || v === undefined
    ? '–'
    : kind === 'money'
      ? f.money.format(v)
      : kind === 'ratio'
        ? pct(v)
        : count.format(v);

/** The calendar day (YYYY-MM-DD) an instant falls on in the configured time zone. */
export const day = (d) => f.day.format(d);

/**
 * The zone's offset from UTC at instant t (ms): local wall time − UTC. The server's twin is src/common/time/zoned.ts;
 * the page has no build step to share it.
 */
function offsetMs(t, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const get = (k) => Number(parts.find((p) => p.type === k).value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(t / 1000) * 1000;
}

/** The instant a calendar day (YYYY-MM-DD) starts in the configured time zone (its local midnight). */
export function startOfDay(s) {
  const [y, m, d] = s.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d);
  let t = wall - offsetMs(wall, settings.timeZone);
  t = wall - offsetMs(t, settings.timeZone); // the offset at the instant itself (a DST change between the guesses)
  return new Date(t);
}

/** A calendar day moved by whole months (YYYY-MM-DD, day of month 1). */
export const monthStart = (s, months) => {
  const [y, m] = s.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
};

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
/** A number: shown formatted, its raw value in data-value ('' for null). */
export const num = (v, kind, attrs = {}) =>
  el(
    'span',
    { ...attrs, 'data-value': v ?? '', class: typeof v === 'number' && v < 0 ? 'neg' : undefined },
    fmt(v, kind),
  );

/** Whether a panel follows the Source filter: a note in its heading, so nobody reads an unfiltered panel as filtered. */
export function scopeNote(id, source, applies) {
  const note = $(id);
  note.dataset.applies = String(applies);
  note.className = `scope ${applies ? 'applies' : 'ignores'}`;
  note.textContent = !source ? '' : applies ? `source ${source}` : `all sources (ignores the Source filter)`;
}

/** Longest Retry-After the page waits out by itself; beyond it the error is shown. */
const MAX_WAIT_SECONDS = 30;

/**
 * One GraphQL request. A RATE_LIMITED answer (the principal's cost bucket is empty, or the database is briefly
 * unavailable) is retried after the Retry-After the API gives, a few times, saying so in the status line.
 */
export async function gql(query, variables) {
  const token = localStorage.getItem('funnel-token');
  for (let attempt = 1; ; attempt++) {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    const first = body.errors?.[0]?.extensions;
    const wait = Number(first?.retryAfter ?? res.headers.get('retry-after') ?? NaN);
    if (first?.code === 'RATE_LIMITED' && attempt < 5 && wait >= 0 && wait <= MAX_WAIT_SECONDS) {
      $('status').className = '';
      $('status').textContent = `The API asks to wait ${wait} s (rate limit); retrying…`;
      document.body.dataset.waited = String(Number(document.body.dataset.waited ?? 0) + 1);
      await new Promise((r) => setTimeout(r, wait * 1000 + Math.random() * 250));
      continue;
    }
    if (body.errors?.length) {
      const e = new Error(body.errors.map((x) => `${x.extensions?.code ?? 'ERROR'}: ${x.message}`).join('; '));
      e.code = body.errors[0].extensions?.code;
      throw e;
    }
    return body.data;
  }
}
