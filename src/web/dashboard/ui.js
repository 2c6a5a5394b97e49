// Shared helpers of the dashboard's modules: elements, formatted numbers (raw value in data-value), the GraphQL call.

export const $ = (id) => document.getElementById(id);
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const count = new Intl.NumberFormat('en-US');
export const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
export const fmt = (v, kind) =>
  v === null || v === undefined
    ? '–'
    : kind === 'money'
      ? money.format(v)
      : kind === 'ratio'
        ? pct(v)
        : count.format(v);
export const day = (d) => d.toISOString().slice(0, 10);
export const utc = (s) => new Date(`${s}T00:00:00Z`);

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

export async function gql(query, variables) {
  const token = localStorage.getItem('funnel-token');
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) {
    const e = new Error(body.errors.map((x) => `${x.extensions?.code ?? 'ERROR'}: ${x.message}`).join('; '));
    e.code = body.errors[0].extensions?.code;
    throw e;
  }
  return body.data;
}
