import { randomBytes, randomUUID } from 'node:crypto';
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client } from 'pg';
import { signToken } from '../src/common/auth/jwt';
import { Role } from '../src/common/graphql/enums';
import { openDataset, Size, SIZES } from './dataset';
import { arg, median, percentile } from './load';
import { startService } from './processes';

/**
 * `npm run bench:ingest -- --size medium [--rounds 5] [--seconds 20]`: what scripts syncing from a CRM get, through
 * HTTP, with the audit log, the rollups and idempotency keys on (every call carries an Idempotency-Key), on a copy of
 * the benchmark dataset (CREATE DATABASE … TEMPLATE: the cached dataset stays as it is):
 * - mixed load: 8 readers (the nested deals list and the funnel, alternately) alone, then beside 4 writers streaming
 *   500-item upserts (touchpoints, leads, deals in turn): readers' p50/p99 in both phases and the writers' rate;
 * - ingest: 20 bulk calls of 500 items in parallel on 4 keep-alive connections, per round: items/s for
 *   recordTouchpoints, upsertLeads and upsertDeals; and recordTouchpoints one call at a time on one connection.
 * Writes bench/results/ingest-<size>.json and .md.
 */
const SIZE = arg('size', 'medium') as Size;
const ROUNDS = Number(arg('rounds', '5'));
const MIXED_MS = Number(arg('seconds', '20')) * 1000;
const JWT_SECRET = randomBytes(36).toString('base64url');
const BATCH = 500;

type Kind = 'touchpoints' | 'leads' | 'deals';
const MUTATION: Record<Kind, string> = {
  touchpoints: `mutation($input: [TouchpointInput!]!) { recordTouchpoints(input: $input) { successCount errorCount } }`,
  leads: `mutation($input: [LeadInput!]!) { upsertLeads(input: $input) { successCount errorCount } }`,
  deals: `mutation($input: [DealInput!]!) { upsertDeals(input: $input) { successCount errorCount } }`,
};
const READS = [
  `{ deals(first: 50, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { id name amount account { name } owner { email } leads { email } } } }`,
  `{ funnel(input: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", breakdown: CHANNEL }) { steps { stage count conversionFromPrevious { value } } groups { key steps { count } } } }`,
];

/** A pool of `sockets` keep-alive connections and a POST of one GraphQL document through it. */
function client(url: string, headers: Record<string, string>, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const u = new URL(url);
  const post = (query: string, variables?: unknown, extra: Record<string, string> = {}) =>
    new Promise<any>((resolve, reject) => {
      const payload = JSON.stringify({ query, variables });
      const req = http.request(
        {
          host: '127.0.0.1',
          port: u.port,
          path: u.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...headers,
            ...extra,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (res.statusCode !== 200 || body.errors) reject(new Error(JSON.stringify(body.errors ?? res.statusCode)));
            else resolve(body.data);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { post, close: () => agent.destroy() };
}

let serial = 0;
/** 500 new items of a kind, on the dataset's leads, campaigns and accounts (fresh external ids each call). */
function items(kind: Kind, leads: number): unknown[] {
  return Array.from({ length: BATCH }, () => {
    const i = serial++;
    const lead = `blead-${1 + ((i * 7919) % leads)}`;
    const at = new Date(Date.UTC(2025, 0, 1) + (i % 360) * 86_400_000 + (i % 86_400) * 1000).toISOString();
    if (kind === 'touchpoints')
      return {
        externalId: `ing-tp-${process.pid}-${i}`,
        leadExternalId: lead,
        campaignExternalId: `bcmp-${1 + (i % 40)}`,
        type: i % 3 === 0 ? 'WEBINAR_ATTENDED' : 'EMAIL_CLICK',
        occurredAt: at,
      };
    if (kind === 'leads')
      return {
        externalId: `ing-lead-${process.pid}-${i}`,
        email: `ing${i}@example.com`,
        createdAt: at,
        source: 'EMAIL',
      };
    return {
      externalId: `ing-deal-${process.pid}-${i}`,
      name: `Ingested ${i}`,
      amount: 1000 + (i % 50) * 100,
      leadExternalIds: [lead],
      createdAt: at,
    };
  });
}

type Post = ReturnType<typeof client>['post'];
/** Retries of bulk calls refused as retryable (RATE_LIMITED: DATABASE_BUSY, a lock wait past lock_timeout), per kind. */
const retries: Record<Kind, number> = { touchpoints: 0, leads: 0, deals: 0 };
/**
 * One bulk call with its own Idempotency-Key, retried as a syncing script would when it is refused as retryable (the
 * same key and items: nothing was written); throws when an item is refused.
 */
async function bulk(post: Post, kind: Kind, leads: number): Promise<void> {
  const input = items(kind, leads);
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      const data = await post(MUTATION[kind], { input }, { 'idempotency-key': key });
      const r = Object.values(data)[0] as { successCount: number; errorCount: number };
      if (r.errorCount || r.successCount !== BATCH) throw new Error(`${kind}: ${JSON.stringify(r)}`);
      return;
    } catch (e) {
      if (attempt >= 10 || !/"retryable":true/.test(String(e))) throw e;
      retries[kind]++;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

async function main(): Promise<void> {
  if (!(SIZE in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const root = path.join(__dirname, '..', '..');
  const dataset = await openDataset(SIZE, 42, 54600 + Object.keys(SIZES).indexOf(SIZE));
  const copy = `ingest_${process.pid}`;
  const admin = new Client({ connectionString: dataset.url.replace(/\/bench$/, '/postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${copy} TEMPLATE bench`);
  const url = dataset.url.replace(/\/bench$/, `/${copy}`);
  const service = await startService(root, url, 54720, JWT_SECRET, { DB_POOL_SIZE: '12' });
  const token = signToken(
    { sub: 'ingest@example.com', role: Role.ADMIN },
    { secret: JWT_SECRET, issuer: 'revenue-funnel', audience: 'revenue-funnel-api', maxLifetimeSeconds: 86400 },
  );
  const auth = { authorization: `Bearer ${token}` };
  const leads = dataset.counts.leads;
  try {
    // mixed load first, on the fresh copy (the ingest rounds leave dead rows in the rollups): readers alone, then beside
    // the writers
    const readers = client(service.url, auth, 8);
    const writers = client(service.url, auth, 4);
    const readPhase = async (withWriters: boolean) => {
      const lat: number[] = [];
      const byRead: number[][] = READS.map(() => []);
      let written = 0;
      let writing = withWriters;
      const deadline = performance.now() + MIXED_MS;
      const reader = async (k: number) => {
        for (let i = k; performance.now() < deadline; i++) {
          const t = performance.now();
          await readers.post(READS[i % READS.length]);
          lat.push(performance.now() - t);
          byRead[i % READS.length].push(performance.now() - t);
        }
      };
      const writer = async (k: number) => {
        for (let i = k; writing; i++) {
          await bulk(writers.post, (['touchpoints', 'leads', 'deals'] as Kind[])[i % 3], leads);
          written += BATCH;
        }
      };
      const t = performance.now();
      const w = withWriters ? Promise.all(Array.from({ length: 4 }, (_, k) => writer(k))) : Promise.resolve([]);
      await Promise.all(Array.from({ length: 8 }, (_, k) => reader(k)));
      writing = false;
      await w;
      const s = (performance.now() - t) / 1000;
      return {
        reads: lat.length,
        readsPerSecond: lat.length / s,
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        listP50: percentile(byRead[0], 50),
        listP99: percentile(byRead[0], 99),
        funnelP50: percentile(byRead[1], 50),
        funnelP99: percentile(byRead[1], 99),
        writtenPerSecond: written / s,
      };
    };
    const idle = await readPhase(false);
    const mixed = await readPhase(true);
    const mixedOut = { idle, mixed, p99Ratio: mixed.p99 / idle.p99 };
    console.error(JSON.stringify(mixedOut));
    const ingest: Record<string, { itemsPerSecond: number[]; median: number }> = {};
    const four = client(service.url, auth, 4);
    const one = client(service.url, auth, 1);
    for (const kind of ['touchpoints', 'leads', 'deals'] as Kind[]) await bulk(four.post, kind, leads); // warm-up
    const measure = async (label: string, run: () => Promise<number>) => {
      const rates: number[] = [];
      for (let r = 0; r < ROUNDS; r++) rates.push(await run());
      ingest[label] = { itemsPerSecond: rates, median: median(rates) };
      console.error(`${label}: ${rates.map((x) => x.toFixed(0)).join(' / ')} items/s`);
    };
    for (const kind of ['touchpoints', 'leads', 'deals'] as Kind[])
      await measure(`${kind}: 20 × 500 in parallel on 4 connections`, async () => {
        const t = performance.now();
        await Promise.all(Array.from({ length: 20 }, () => bulk(four.post, kind, leads)));
        return (20 * BATCH) / ((performance.now() - t) / 1000);
      });
    await measure('touchpoints: 20 × 500 one after another on 1 connection', async () => {
      const t = performance.now();
      for (let i = 0; i < 20; i++) await bulk(one.post, 'touchpoints', leads);
      return (20 * BATCH) / ((performance.now() - t) / 1000);
    });

    [four, one, readers, writers].forEach((c) => c.close());

    const out = {
      size: SIZE,
      when: new Date().toISOString(),
      node: process.version,
      rounds: ROUNDS,
      counts: dataset.counts,
      ingest,
      retries,
      mixed: mixedOut,
    };
    const dir = path.join(root, 'bench', 'results');
    fs.writeFileSync(path.join(dir, `ingest-${SIZE}.json`), JSON.stringify(out, null, 2) + '\n');
    const rows = Object.entries(ingest).map(
      ([k, v]) => `| ${k} | ${v.median.toFixed(0)} | ${v.itemsPerSecond.map((x) => x.toFixed(0)).join(' / ')} |`,
    );
    const f = (x: number) => x.toFixed(1);
    fs.writeFileSync(
      path.join(dir, `ingest-${SIZE}.md`),
      `# Ingest and mixed load: ${SIZE} (${dataset.counts.leads.toLocaleString('en-US')} leads)

${out.when}, Node ${out.node}, ${ROUNDS} rounds; HTTP through the production build, every call with an Idempotency-Key,
the audit log and the rollups on (kept current in each writing transaction). A copy of the benchmark dataset.

| bulk call (500 items each) | items/s (median) | rounds |
|---|---|---|
${rows.join('\n')}

Bulk calls refused as retryable (DATABASE_BUSY: a row lock waited on past lock_timeout) and retried with the same
Idempotency-Key: touchpoints ${retries.touchpoints}, leads ${retries.leads}, deals ${retries.deals}.

Mixed load, ${MIXED_MS / 1000} s per phase: 8 readers (nested deals list of 50 and the yearly funnel by channel, alternately);
then the same readers beside 4 writers streaming 500-item upserts (touchpoints, leads, deals in turn).

| phase | reads/s | read p50 / p99 ms | list p50 / p99 ms | funnel p50 / p99 ms | written items/s |
|---|---|---|---|---|---|
| readers alone | ${f(idle.readsPerSecond)} | ${f(idle.p50)} / ${f(idle.p99)} | ${f(idle.listP50)} / ${f(idle.listP99)} | ${f(idle.funnelP50)} / ${f(idle.funnelP99)} | – |
| readers + 4 writers | ${f(mixed.readsPerSecond)} | ${f(mixed.p50)} / ${f(mixed.p99)} | ${f(mixed.listP50)} / ${f(mixed.listP99)} | ${f(mixed.funnelP50)} / ${f(mixed.funnelP99)} | ${mixed.writtenPerSecond.toFixed(0)} |

Read p99 under write load: ${mixedOut.p99Ratio.toFixed(2)}× its idle p99.
`,
    );
  } finally {
    await service.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
    await admin.end();
    await dataset.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
