#!/usr/bin/env node
// Syncs deals from a CSV file into the revenue funnel API: upsertDeals by externalId in batches, each batch with an
// Idempotency-Key (a hash of its content: a retry is never applied twice, and the same file sent again within 24 h gets
// the stored answers back without writing anything), retries with backoff on 429/503 and network errors (honouring
// Retry-After). Every row is checked here first, so a malformed row fails alone instead of failing its batch; the rows
// that failed (here or on the server) are written next to the input as <file>.failed.csv with the reason.
//
//   TOKEN=… node examples/sync-deals.mjs deals.csv [--url http://localhost:4000/graphql] [--batch 200] [--all-or-none]
//
// Columns (header row; empty cells leave a field as it is; only externalId is needed to update a deal, and name and
// amount to create one): externalId, name, amount (a plain number: 24000.50), accountExternalId, ownerEmail,
// leadExternalIds (separated by ;), createdAt, expectedCloseDate, and optionally stage with stageAt (the instant the
// deal entered that stage, recorded once however often the file is sent). A stage without stageAt means "the deal is
// in this stage now": nothing is written when it already is. Dates are ISO 8601 (2026-03-01 or 2026-03-01T10:00:00Z).
//
// The summary counts every row once: created, updated, unchanged (the row equals what is stored), replayed (the batch
// was answered from the server's idempotency store: nothing was written this time) and failed.
// Exit code: 0 all rows synced, 1 some failed, 2 fatal. Plain Node (20 or later: fetch, crypto); no packages needed.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const positional = args.filter((a, i) => !a.startsWith('--') && !['--url', '--batch'].includes(args[i - 1]));
const file = positional[0];
const url = opt('url', process.env.API_URL ?? 'http://localhost:4000/graphql');
const batchSize = Math.min(500, Number(opt('batch', '200')));
const allOrNone = args.includes('--all-or-none');
const token = process.env.TOKEN;
const MAX_ATTEMPTS = 6;

const UPSERT = `mutation Sync($input: [DealInput!]!, $allOrNone: Boolean) {
  upsertDeals(input: $input, allOrNone: $allOrNone) { successCount errorCount results { index externalId id outcome success errors { code field message } } } }`;

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF or LF). */
function parseCsv(text) {
  const rows = [];
  let row = [],
    field = '',
    quoted = false;
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
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((x) => x !== ''));
}
const csvCell = (v) => (v == null ? '' : /[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

const NUMBER = /^-?\d+(\.\d+)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** A CSV record as DealInput (empty cells omitted: the API then keeps the field), or the reason it cannot be one. */
function toInput(r) {
  if (!r.externalId) return { error: { field: 'externalId', message: 'externalId is empty' } };
  const input = { externalId: r.externalId };
  for (const k of ['name', 'accountExternalId', 'ownerEmail', 'stage']) if (r[k]) input[k] = r[k];
  if (r.amount) {
    if (!NUMBER.test(r.amount))
      return {
        error: { field: 'amount', message: `amount ${JSON.stringify(r.amount)} is not a plain number like 24000.50` },
      };
    input.amount = Number(r.amount);
  }
  for (const k of ['createdAt', 'expectedCloseDate', 'stageAt']) {
    if (!r[k]) continue;
    if (!INSTANT.test(r[k]) || Number.isNaN(Date.parse(r[k])))
      return { error: { field: k, message: `${k} ${JSON.stringify(r[k])} is not an ISO 8601 date or instant` } };
    input[k] = new Date(r[k]).toISOString();
  }
  if (input.stageAt && !input.stage) return { error: { field: 'stageAt', message: 'stageAt needs a stage' } };
  if (r.leadExternalIds)
    input.leadExternalIds = r.leadExternalIds
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  return { input };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** POSTs one mutation with its Idempotency-Key, retrying what is safe to retry; returns the GraphQL data. */
async function post(query, variables, stats) {
  const body = JSON.stringify({ query, variables });
  const key = `sync-${createHash('sha256').update(body).digest('hex').slice(0, 40)}`;
  for (let attempt = 1; ; attempt++) {
    let res, json, wait;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
        body,
      });
      json = await res.json();
    } catch (e) {
      wait = 500 * 2 ** attempt; // network error: nothing is known to have happened, and the key makes a retry safe
      if (attempt >= MAX_ATTEMPTS) throw new Error(`${e.message} after ${attempt} attempts`);
    }
    if (json) {
      const code = json.errors?.[0]?.extensions?.code;
      const retryable =
        res.status === 429 ||
        res.status === 503 ||
        code === 'RATE_LIMITED' ||
        (code === 'CONFLICT' && json.errors[0].extensions.reason === 'IDEMPOTENCY_KEY_IN_USE');
      if (!retryable) {
        if (json.errors?.length) throw new Error(`${code}: ${json.errors[0].message}`);
        return { data: json.data, replayed: res.headers.get('idempotent-replayed') === 'true' };
      }
      if (attempt >= MAX_ATTEMPTS) throw new Error(`${code ?? res.status} after ${attempt} attempts`);
      const after = Number(res.headers.get('retry-after') ?? json.errors?.[0]?.extensions?.retryAfter);
      wait = Number.isFinite(after) && after > 0 ? after * 1000 : 500 * 2 ** attempt;
    }
    stats.retries++;
    await sleep(wait + Math.random() * 250);
  }
}

async function main() {
  if (!file || !token) {
    console.error(
      'usage: TOKEN=… node examples/sync-deals.mjs deals.csv [--url …/graphql] [--batch 200] [--all-or-none]',
    );
    process.exit(2);
  }
  const [header, ...lines] = parseCsv(readFileSync(file, 'utf8'));
  const records = lines.map((l) => Object.fromEntries(header.map((h, i) => [h.trim(), (l[i] ?? '').trim()])));
  const stats = { created: 0, updated: 0, unchanged: 0, replayed: 0, failed: 0, retries: 0 };
  const failed = [];
  const fail = (rec, error) => {
    stats.failed++;
    failed.push({ ...rec, errorCode: error.code, errorField: error.field ?? '', errorMessage: error.message });
  };
  // a key twice in one file: which row should win is not the script's to guess
  const seen = new Map();
  for (const r of records) if (r.externalId) seen.set(r.externalId, (seen.get(r.externalId) ?? 0) + 1);
  const rows = [];
  for (const rec of records) {
    const { input, error } = toInput(rec);
    if (error) fail(rec, { code: 'INVALID_ROW', ...error });
    else if (seen.get(rec.externalId) > 1)
      fail(rec, {
        code: 'DUPLICATE_IN_FILE',
        field: 'externalId',
        message: 'externalId appears more than once in the file',
      });
    else rows.push({ rec, input });
  }
  if (allOrNone && failed.length) {
    // all or none: a row that cannot even be sent means none is sent
    for (const { rec } of rows.splice(0))
      fail(rec, { code: 'NOT_SENT', message: 'another row is invalid and --all-or-none is set' });
  }
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const { data, replayed } = await post(UPSERT, { input: batch.map((b) => b.input), allOrNone }, stats);
    for (const r of data.upsertDeals.results) {
      const { rec } = batch[r.index];
      if (!r.success) fail(rec, r.errors[0] ?? { code: 'FAILED', message: 'not written' });
      else if (replayed) stats.replayed++;
      else stats[{ CREATED: 'created', UPDATED: 'updated', UNCHANGED: 'unchanged' }[r.outcome]]++;
    }
  }
  rmSync(`${file}.failed.csv`, { force: true }); // a failed file from an earlier run no longer says anything
  if (failed.length) {
    const cols = [...header.map((h) => h.trim()), 'errorCode', 'errorField', 'errorMessage'];
    writeFileSync(
      `${file}.failed.csv`,
      [cols.join(','), ...failed.map((f) => cols.map((c) => csvCell(f[c])).join(','))].join('\r\n') + '\r\n',
    );
  }
  console.log(
    JSON.stringify({ rows: records.length, ...stats, failedFile: failed.length ? `${file}.failed.csv` : null }),
  );
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`sync failed: ${e.message}`);
  process.exit(2);
});
