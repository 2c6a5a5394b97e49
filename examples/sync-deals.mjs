#!/usr/bin/env node
// Syncs deals from a CSV file into the revenue funnel API: upsertDeals by externalId in batches, each batch with an
// Idempotency-Key (a hash of its content: a retry is never applied twice, and the same file sent again within 24 h gets
// the stored answers back without writing anything; upserts by externalId are idempotent anyway), retries with backoff on 429/503 and
// network errors (honouring Retry-After), and the rows that failed written next to the input as <file>.failed.csv.
//
//   TOKEN=… node examples/sync-deals.mjs deals.csv [--url http://localhost:4000/graphql] [--batch 200] [--all-or-none]
//
// Columns (header row; empty cells leave a field as it is): externalId, name, amount, accountExternalId, ownerEmail,
// leadExternalIds (separated by ;), createdAt, expectedCloseDate, and optionally stage + stageAt (a stage change to
// record after the upsert, e.g. PROPOSAL at 2026-03-01T10:00:00Z). Exit code: 0 all rows synced, 1 some failed, 2 fatal.
// Plain Node (20 or later: fetch, crypto); no packages needed.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

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
  upsertDeals(input: $input, allOrNone: $allOrNone) { successCount errorCount results { index externalId id created success errors { code field message } } } }`;
const STAGES = `mutation Stages($input: [DealStageChangeInput!]!) {
  recordDealStageChanges(input: $input) { successCount errorCount results { index success errors { code field message } } } }`;

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

/** A CSV record as DealInput: empty cells omitted (the API then keeps the field as it is). */
function toInput(r) {
  const input = {};
  for (const k of ['externalId', 'name', 'accountExternalId', 'ownerEmail', 'createdAt', 'expectedCloseDate'])
    if (r[k]) input[k] = r[k];
  if (r.amount) input.amount = Number(r.amount);
  if (r.leadExternalIds)
    input.leadExternalIds = r.leadExternalIds
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
  return input;
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
        return json.data;
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
  const stats = { created: 0, updated: 0, failed: 0, stageChanges: 0, retries: 0 };
  const failed = [];
  for (let start = 0; start < records.length; start += batchSize) {
    const batch = records.slice(start, start + batchSize);
    const out = (await post(UPSERT, { input: batch.map(toInput), allOrNone }, stats)).upsertDeals;
    const stageInput = [];
    for (const r of out.results) {
      const rec = batch[r.index];
      if (!r.success) {
        stats.failed++;
        failed.push({
          ...rec,
          errorCode: r.errors[0]?.code,
          errorField: r.errors[0]?.field ?? '',
          errorMessage: r.errors[0]?.message,
        });
        continue;
      }
      stats[r.created ? 'created' : 'updated']++;
      if (rec.stage)
        stageInput.push({
          dealExternalId: rec.externalId,
          stage: rec.stage,
          occurredAt: rec.stageAt || new Date().toISOString(),
        });
    }
    if (stageInput.length) {
      const s = (await post(STAGES, { input: stageInput }, stats)).recordDealStageChanges;
      stats.stageChanges += s.successCount;
      for (const r of s.results.filter((x) => !x.success)) {
        const rec = batch.find((b) => b.externalId === stageInput[r.index].dealExternalId);
        failed.push({ ...rec, errorCode: r.errors[0]?.code, errorField: 'stage', errorMessage: r.errors[0]?.message });
      }
    }
  }
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
