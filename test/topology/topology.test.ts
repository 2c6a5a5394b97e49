import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Role } from '../../src/common/graphql/enums';
import { signToken } from '../../src/common/auth/jwt';
import { buildToTemp, builtServiceEnv } from '../support/built-service';
import { freePort, Proxy, startHaproxy } from '../../scripts/topology/haproxy';
import { Bouncer, startPgbouncer } from '../../scripts/topology/pgbouncer';
import { replicaCluster, ReplicaCluster } from '../../scripts/topology/replica-cluster';
import { testConfig } from '../support/tokens';

/**
 * The deployment past one machine, on this one (TOPOLOGY=1; `.ci/run` runs it once): a primary and a streaming replica
 * (the machine's PostgreSQL binaries), PgBouncer in transaction mode in front of the primary, the machine's Redis for
 * the cost buckets, three API processes behind HAProxy. Under a bounded load of reads and bulk writes, one instance
 * is killed and restarted and the replica is stopped and started; clients retry 503s and connection errors only.
 * Then: no other error, analytics from the replica equal the primary's, a write is read back through
 * read-your-writes, and one principal's cost bucket holds across the three instances.
 */
const ENABLED = process.env.TOPOLOGY === '1';
const SECONDS = Number(process.env.TOPOLOGY_SECONDS ?? 60);
const CAPACITY = 5000;
const REFILL = 1000;
const token = (sub: string) => signToken({ sub, role: Role.ADMIN }, testConfig.jwt);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Counts {
  requests: number;
  retries: number;
  errors: Record<string, number>;
  replicaReads: number;
  primaryReads: Record<string, number>;
  maxLagMs: number;
  leadsWritten: number;
  ryw: { checks: number; stale: number };
}
const counts: Counts = {
  requests: 0,
  retries: 0,
  errors: {},
  replicaReads: 0,
  primaryReads: {},
  maxLagMs: 0,
  leadsWritten: 0,
  ryw: { checks: 0, stale: 0 },
};
const countError = (kind: string) => (counts.errors[kind] = (counts.errors[kind] ?? 0) + 1);

let cluster: ReplicaCluster | null = null;
let bouncer: Bouncer | null = null;
let proxy: Proxy | null = null;
const instances: { port: number; child: ChildProcess | null }[] = [];
let dist = '';
let url = '';

function startInstance(i: number): void {
  const inst = instances[i];
  inst.child = spawn(process.execPath, [path.join(dist, 'src/main.js')], {
    env: {
      ...process.env,
      ...builtServiceEnv,
      NODE_ENV: 'test',
      PORT: String(inst.port),
      JWT_SECRET: testConfig.jwt.secret,
      LOG_LEVEL: 'error',
      DATABASE_URL: bouncer!.url,
      DB_POOLER: 'transaction',
      DATABASE_DIRECT_URL: cluster!.primaryUrl,
      DATABASE_READ_URLS: cluster!.replicaUrl,
      REPLICA_POLL_MS: '200',
      REDIS_URL: 'redis://127.0.0.1:6379/5',
      RATE_BUCKET_CAPACITY: String(CAPACITY),
      RATE_REFILL_PER_SECOND: String(REFILL),
      BI_READER_DISABLED: 'true',
      SQL_STATEMENTS_HEADER: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function ready(port: number, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`instance on ${port} not ready`);
}

/** One operation through HAProxy, retried on 503 and connection errors only (what a well-behaved client does). */
async function call(
  sub: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  for (let attempt = 0; ; attempt++) {
    counts.requests++;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token(sub)}`, ...headers },
        body: JSON.stringify({ query, variables }),
      });
      if (res.status === 503 && attempt < 50) {
        counts.retries++;
        await res.arrayBuffer();
        await sleep(100);
        continue;
      }
      return { status: res.status, body: await res.json(), headers: res.headers };
    } catch (err) {
      if (attempt >= 50) throw err;
      counts.retries++;
      await sleep(100);
    }
  }
}

const KPIS = `query($from: DateTimeISO!, $to: DateTimeISO!) { kpis(input: { from: $from, to: $to }) { leads mqls wonDeals revenue } }`;
const JAN = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
const FEB = { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' };
const UPSERT = `mutation($i: [LeadInput!]!) { upsertLeads(input: $i) { successCount errorCount } }`;

function noteRead(body: any): void {
  const from = body?.extensions?.readFrom;
  if (!from) return;
  if (from.source === 'REPLICA') {
    counts.replicaReads++;
    counts.maxLagMs = Math.max(counts.maxLagMs, from.lagMs ?? 0);
  } else counts.primaryReads[from.reason] = (counts.primaryReads[from.reason] ?? 0) + 1;
}

function check(r: { status: number; body: any }, what: string): boolean {
  if (r.status !== 200 || r.body.errors) {
    countError(`${what} ${r.status} ${r.body.errors?.[0]?.extensions?.code ?? ''}`.trim());
    return false;
  }
  return true;
}

(ENABLED ? describe : describe.skip)('topology: 3 instances, HAProxy, PgBouncer, a replica, Redis', () => {
  beforeAll(async () => {
    cluster = await replicaCluster();
    if (!cluster) throw new Error('no PostgreSQL server binaries for a primary and a replica');
    bouncer = await startPgbouncer(
      cluster.primaryUrl,
      `SET statement_timeout = '15s'; SET lock_timeout = '5s'; SET jit = off`,
    );
    if (!bouncer) throw new Error('PgBouncer is not installed');
    const r = new Redis('redis://127.0.0.1:6379/5');
    await r.flushdb();
    r.disconnect();
    dist = buildToTemp();
    for (let i = 0; i < 3; i++) instances.push({ port: await freePort(), child: null });
    instances.forEach((_, i) => startInstance(i));
    await Promise.all(instances.map((inst) => ready(inst.port)));
    proxy = await startHaproxy(instances.map((inst) => inst.port));
    if (!proxy) throw new Error('HAProxy is not installed');
    url = `${proxy.origin}/graphql`;
  }, 300_000);

  afterAll(async () => {
    await proxy?.stop();
    for (const inst of instances) inst.child?.kill('SIGTERM');
    await sleep(500);
    await bouncer?.stop();
    await cluster?.close();
    if (dist) fs.rmSync(dist, { recursive: true, force: true });
    console.log(`topology counts: ${JSON.stringify(counts)}`);
    if (process.env.TOPOLOGY_REPORT) fs.writeFileSync(process.env.TOPOLOGY_REPORT, JSON.stringify(counts, null, 2));
  });

  it(
    `holds under ${SECONDS} s of reads and bulk writes while an instance and the replica go down and come back`,
    async () => {
      const started = Date.now();
      const end = started + SECONDS * 1000;
      let lastLsn = '0/0';
      let febWritten = 0;
      const writer = async (w: number) => {
        for (let n = 0; Date.now() < end; n++) {
          const items = Array.from({ length: 50 }, (_, k) => ({
            externalId: `topo-w${w}-${n}-${k}`,
            createdAt: '2026-01-15T12:00:00Z',
          }));
          const r = await call(`writer-${w}`, UPSERT, { i: items });
          // a retried call whose first attempt had committed updates the same leads: count leads, not successes
          if (check(r, 'upsert') && r.body.data.upsertLeads.successCount === 50) counts.leadsWritten += 50;
          lastLsn = r.headers.get('x-write-lsn') ?? lastLsn;
        }
      };
      // writes its own month, then reads it back through read-your-writes: never fewer than it wrote
      const rywClient = async () => {
        for (let n = 0; Date.now() < end; n++) {
          const r = await call('ryw', UPSERT, {
            i: [{ externalId: `topo-feb-${n}`, createdAt: '2026-02-10T00:00:00Z' }],
          });
          if (!check(r, 'upsert')) continue;
          febWritten++;
          const lsn = r.headers.get('x-write-lsn');
          const k = await call('ryw', KPIS, FEB, lsn ? { 'x-read-after-lsn': lsn } : {});
          if (!check(k, 'kpis')) continue;
          noteRead(k.body);
          counts.ryw.checks++;
          if (k.body.data.kpis.leads < febWritten) counts.ryw.stale++;
          await sleep(100);
        }
      };
      const reader = async (i: number) => {
        for (let n = 0; Date.now() < end; n++) {
          const r =
            n % 3 === 2
              ? await call(`reader-${i}`, `{ leads(first: 20) { nodes { externalId } } }`)
              : await call(`reader-${i}`, KPIS, JAN);
          if (check(r, n % 3 === 2 ? 'list' : 'kpis')) noteRead(r.body);
          await sleep(50); // each reader ~550 cost points a second, under its bucket's refill
        }
      };
      const chaos = async () => {
        const at = (s: number) => sleep(Math.max(0, started + s * 1000 - Date.now()));
        await at(SECONDS * 0.25);
        instances[1].child?.kill('SIGKILL');
        await at(SECONDS * 0.4);
        startInstance(1);
        await ready(instances[1].port);
        await at(SECONDS * 0.55);
        await cluster!.stopReplica();
        await at(SECONDS * 0.7);
        await cluster!.startReplica();
      };
      await Promise.all([writer(0), writer(1), rywClient(), ...[0, 1, 2, 3].map(reader), chaos()]);

      expect(counts.errors).toEqual({});
      expect(counts.ryw.stale).toBe(0);
      expect(counts.ryw.checks).toBeGreaterThan(10);
      expect(counts.replicaReads).toBeGreaterThan(0);
      expect(counts.leadsWritten).toBeGreaterThan(0);

      // once caught up, the replica's analytics equal the primary's
      const fromReplica = await (async () => {
        for (let i = 0; i < 100; i++) {
          const r = await call('check', KPIS, JAN, { 'x-read-after-lsn': lastLsn });
          if (r.body.extensions?.readFrom?.source === 'REPLICA') return r;
          await sleep(200);
        }
        throw new Error('the replica never caught up');
      })();
      const fromPrimary = await call('check', KPIS, JAN, { 'x-read-after-lsn': 'FFFFFFFF/FFFFFFFF' });
      expect(fromPrimary.body.extensions.readFrom.source).toBe('PRIMARY');
      expect(fromReplica.body.data).toEqual(fromPrimary.body.data);
      expect(fromReplica.body.data.kpis.leads).toBeGreaterThanOrEqual(counts.leadsWritten);
    },
    (SECONDS + 120) * 1000,
  );

  it('one principal gets one cost bucket across the three instances (Redis), not three', async () => {
    const query = `{ deals(first: 100) { nodes { id account { id } owner { id } } } }`;
    const started = Date.now();
    let admitted = 0;
    let limited = 0;
    let cost = 0;
    const loop = async () => {
      while (Date.now() - started < 3000) {
        const r = await call('bucket', query);
        if (r.status === 200 && !r.body.errors) admitted++;
        else if (r.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED') {
          limited++;
          cost ||= Number(/costs (\d+) points/.exec(r.body.errors[0].message)?.[1] ?? 0);
        } else countError(`bucket ${r.status} ${r.body.errors?.[0]?.message}`);
      }
    };
    await Promise.all(Array.from({ length: 12 }, loop));
    const seconds = (Date.now() - started) / 1000;
    counts.errors = { ...counts.errors };
    (counts as Counts & { bucket?: unknown }).bucket = { admitted, limited, cost, seconds };
    expect(limited).toBeGreaterThan(0);
    expect(cost).toBeGreaterThan(0);
    // one bucket: capacity + refill over the time, plus one request in flight per loop; three would allow ~3×
    expect(admitted * cost).toBeLessThanOrEqual(CAPACITY + REFILL * seconds + 12 * cost);
    expect(admitted * cost).toBeGreaterThanOrEqual(CAPACITY);
  });
});
