import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { signToken } from '../src/common/auth/jwt';
import { Role } from '../src/common/graphql/enums';
import { loadConfig } from '../src/config/config';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { arg, median, percentile } from './load';
import { startService } from './processes';

/**
 * `npm run bench:webhooks [-- --changes 10000 --endpoints 3]`: the service as its own process (production build, its
 * dispatcher on) on a fresh embedded PostgreSQL, N receivers on loopback (answering 200 at once), N endpoints; writes
 * `changes` deal changes through upsertDeals (500 per call) and measures, per delivery, the delay from the commit (the
 * mutation's response) to its arrival. Reports deliveries/s and p50/p95/p99 delay, beside the same number of signed
 * POSTs sent straight to the receivers with the dispatcher's concurrency (the floor: HTTP alone, no database).
 * Writes bench/results/webhooks.json and .md.
 */
const CHANGES = Number(arg('changes', '10000'));
const ENDPOINTS = Number(arg('endpoints', '3'));
const BATCH = 500;
const CONCURRENCY = 16;
const JWT_SECRET = randomBytes(36).toString('base64url');

interface Receiver {
  url: string;
  arrivals: Map<string, number>;
  close(): Promise<void>;
}

async function receiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const ext = JSON.parse(body).data?.externalId as string;
        if (!arrivals.has(ext)) arrivals.set(ext, Date.now());
      } catch {
        /* the floor's bodies */
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

async function main(): Promise<void> {
  const root = path.join(__dirname, '..', '..');
  const dataDir = path.join(root, 'bench', '.cache', `webhooks-${Date.now()}`);
  const db = await startEmbeddedPostgres({ dataDir, port: 54690, ephemeral: true });
  const port = 4790;
  const api = `http://127.0.0.1:${port}/graphql`;
  const start = (dispatch: boolean) =>
    startService(root, db.url, port, JWT_SECRET, {
      WEBHOOK_DISPATCH: String(dispatch),
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_CONCURRENCY: String(CONCURRENCY),
    });

  let service = await start(true);
  const token = signToken({ sub: 'bench@example.com', role: Role.ADMIN }, loadConfig({ JWT_SECRET }).jwt);
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const r = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await r.json()) as { data?: any; errors?: unknown[] };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
    return json.data;
  };
  const receivers = await Promise.all(Array.from({ length: ENDPOINTS }, receiver));
  try {
    for (const rx of receivers)
      await gql(`mutation($u: String!) { createWebhookEndpoint(input: { url: $u, events: [DEAL] }) { secret } }`, {
        u: rx.url,
      });
    const committed = new Map<string, number>();
    const write = async (prefix: string) => {
      for (let i = 0; i < CHANGES; i += BATCH) {
        const input = Array.from({ length: Math.min(BATCH, CHANGES - i) }, (_, k) => ({
          externalId: `${prefix}-${i + k}`,
          name: 'Bench deal',
          amount: 100 + k,
        }));
        await gql(`mutation($i: [DealInput!]!) { upsertDeals(input: $i) { successCount } }`, { i: input });
        const at = Date.now();
        for (const d of input) committed.set(d.externalId, at);
      }
    };
    // live: deliveries while the changes are written, delay from each commit to its arrival
    const started = Date.now();
    await write('live');
    const written = Date.now();
    let deadline = Date.now() + 10 * 60_000;
    while (receivers.some((r) => r.arrivals.size < CHANGES) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const delays = receivers.flatMap((r) => [...r.arrivals].map(([ext, t]) => t - committed.get(ext)!));
    const last = Math.max(...receivers.flatMap((r) => [...r.arrivals.values()]));
    const delivered = delays.length;
    const wall = (last - started) / 1000;

    // backlog: the same number of changes written while no instance delivers, then one instance drains them
    await service.stop();
    service = await start(false);
    await write('backlog');
    await service.stop();
    for (const r of receivers) r.arrivals.clear();
    deadline = Date.now() + 10 * 60_000;
    const drainStart = Date.now();
    service = await start(true);
    while (receivers.some((r) => r.arrivals.size < CHANGES) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const drained = receivers.reduce((n, r) => n + r.arrivals.size, 0);
    const drainSeconds = (Math.max(...receivers.flatMap((r) => [...r.arrivals.values()])) - drainStart) / 1000;

    // the floor: the same number of POSTs of the same size, straight to the receivers, CONCURRENCY at once
    const body = JSON.stringify({ type: 'deal.created', timestamp: new Date().toISOString(), data: { id: '1' } });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < delivered) {
          const n = next++;
          const target = new URL(receivers[n % receivers.length].url);
          await new Promise<void>((resolve, reject) => {
            const req = http.request(
              target,
              { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
              (res) => {
                res.resume();
                res.on('end', resolve);
              },
            );
            req.on('error', reject);
            req.end(body);
          });
        }
      }),
    );
    const floorRps = delivered / ((Date.now() - t0) / 1000);
    const result = {
      changes: CHANGES,
      endpoints: ENDPOINTS,
      delivered,
      expected: CHANGES * ENDPOINTS,
      writeSeconds: (written - started) / 1000,
      wallSeconds: wall,
      deliveriesPerSecond: delivered / wall,
      backlog: { delivered: drained, seconds: drainSeconds, deliveriesPerSecond: drained / drainSeconds },
      delayMs: {
        p50: median(delays),
        p95: percentile(delays, 95),
        p99: percentile(delays, 99),
        max: Math.max(...delays),
      },
      floorPostsPerSecond: floorRps,
      ratioToFloor: drained / drainSeconds / floorRps,
      serviceCpuMs: service.cpuMs(),
      node: process.version,
    };
    fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(path.join(root, 'bench', 'results', 'webhooks.json'), JSON.stringify(result, null, 2) + '\n');
    const md = [
      `# Webhook fan-out: ${CHANGES} deal changes to ${ENDPOINTS} endpoints (${process.version})`,
      '',
      '| measure | value |',
      '|---|---|',
      `| deliveries | ${delivered} of ${CHANGES * ENDPOINTS} |`,
      `| writes (upsertDeals, ${BATCH} per call) | ${result.writeSeconds.toFixed(1)} s |`,
      `| first write to last delivery | ${wall.toFixed(1)} s |`,
      `| live: deliveries/s while writing (bounded by the writes) | ${result.deliveriesPerSecond.toFixed(0)} |`,
      `| live: delay commit → arrival p50 / p95 / p99 / max | ${[result.delayMs.p50, result.delayMs.p95, result.delayMs.p99, result.delayMs.max].map((x) => `${x} ms`).join(' / ')} |`,
      `| backlog: ${drained} deliveries drained by one instance (service start included) | ${drainSeconds.toFixed(1)} s, ${result.backlog.deliveriesPerSecond.toFixed(0)}/s |`,
      `| floor: plain POSTs/s to the same receivers (${CONCURRENCY} at once, no database) | ${floorRps.toFixed(0)} |`,
      `| backlog deliveries/s over the floor | ${result.ratioToFloor.toFixed(2)} |`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(root, 'bench', 'results', 'webhooks.md'), md);
    console.log(md);
  } finally {
    await Promise.all(receivers.map((r) => r.close()));
    await service.stop();
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
