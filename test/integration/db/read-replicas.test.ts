import { App, startApp } from '../../../src/app';
import { Role } from '../../../src/common/graphql/enums';
import { loadConfig } from '../../../src/config/config';
import { createDataSource } from '../../../src/data-source';
import { ReplicaSet } from '../../../src/db/replicas';
import { replicaCluster, ReplicaCluster } from '../../../scripts/topology/replica-cluster';
import { testConfig, tokenFor } from '../../support/tokens';

/**
 * Read replicas on PostgreSQL's own streaming replication: a primary and a replica made by pg_basebackup -R from the
 * machine's PostgreSQL binaries (skipped where there are none; CI has them), the service started on the primary with
 * DATABASE_READ_URLS naming the replica.
 */
const KPIS = `query($from: DateTimeISO!, $to: DateTimeISO!) { kpis(input: { from: $from, to: $to }) { leads mqls wonDeals revenue } }`;
const WINDOW = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };
const FUNNEL = `query($from: DateTimeISO!, $to: DateTimeISO!) { funnel(input: { from: $from, to: $to, breakdown: CHANNEL }) { steps { stage count } groups { key steps { count } } } }`;
const ATTRIBUTION = `query($from: DateTimeISO!, $to: DateTimeISO!) { attribution(input: { from: $from, to: $to, model: LINEAR }) { rows { key revenue } } }`;
const UPSERT = `mutation($i: [LeadInput!]!) { upsertLeads(input: $i) { successCount } }`;
const NOWHERE_YET = 'FFFFFFFF/FFFFFFFF'; // no server has replayed this: the read goes to the primary

let cluster: ReplicaCluster | null = null;
let app: App;
let url: string;

async function gql(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(Role.ADMIN)}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const get = (p: string, headers: Record<string, string> = {}) =>
  fetch(url.replace('/graphql', p), { headers: { authorization: `Bearer ${tokenFor(Role.ADMIN)}`, ...headers } });
const kpis = (headers: Record<string, string> = {}) => gql(KPIS, WINDOW, headers);
let n = 0;
const addLead = () =>
  gql(UPSERT, { i: [{ externalId: `rr-${process.pid}-${++n}`, createdAt: '2026-01-15T12:00:00Z', source: 'EMAIL' }] });

/** Until `check` holds (the poller runs every 100 ms; replication is asynchronous). */
async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  cluster = await replicaCluster();
  if (!cluster) return;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    JWT_SECRET: testConfig.jwt.secret,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: cluster.primaryUrl,
    DATABASE_READ_URLS: cluster.replicaUrl,
    // replay is paused below for seconds at a time: the lag bound is the lag test's own (a ReplicaSet of its own)
    MAX_REPLICA_LAG_MS: '600000',
    REPLICA_POLL_MS: '100',
    BI_READER_DISABLED: 'true',
    RATE_BUCKET_CAPACITY: '1000000000',
    RATE_REFILL_PER_SECOND: '1000000000',
  });
  app = await startApp(config);
  await app.ready;
  url = app.server.url;
}, 120_000);

afterAll(async () => {
  if (!cluster) return;
  await app?.stop();
  await cluster.close();
});

const maybe = (name: string, fn: () => Promise<void>, ms = 60_000) =>
  it(
    name,
    async () => {
      if (!cluster) {
        // CI installs what these tests need (.ci/run): there a missing part is a failure, not a skip
        if (process.env.CI) throw new Error('no PostgreSQL server binaries (PG_BIN) for a primary and a replica');
        console.warn(`skipped: no PostgreSQL server binaries (PG_BIN) for a primary and a replica: ${name}`);
        return;
      }
      await fn();
    },
    ms,
  );

describe('read replicas (DATABASE_READ_URLS)', () => {
  maybe(
    'a write returns its WAL position; analytics come from the replica once it has replayed it, equal to the primary',
    async () => {
      const w = await addLead();
      expect(w.body.errors).toBeUndefined();
      const lsn = w.headers.get('x-write-lsn');
      expect(lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(w.body.extensions.writeLsn).toBe(lsn);

      const fromReplica = await eventually(
        () => kpis({ 'x-read-after-lsn': lsn! }),
        (r) => r.body.extensions?.readFrom?.source === 'REPLICA',
      );
      expect(fromReplica.body.errors).toBeUndefined();
      expect(fromReplica.body.extensions.readFrom).toEqual({
        source: 'REPLICA',
        replica: 'replica-1',
        lagMs: expect.any(Number),
      });
      const fromPrimary = await kpis({ 'x-read-after-lsn': NOWHERE_YET });
      expect(fromPrimary.body.extensions.readFrom).toEqual({ source: 'PRIMARY', reason: 'NOT_CAUGHT_UP' });
      expect(fromReplica.body.data).toEqual(fromPrimary.body.data);
      expect(fromReplica.body.data.kpis.leads).toBeGreaterThanOrEqual(1);
      for (const query of [FUNNEL, ATTRIBUTION]) {
        const [a, b] = [await gql(query, WINDOW), await gql(query, WINDOW, { 'x-read-after-lsn': NOWHERE_YET })];
        expect(a.body.errors).toBeUndefined();
        expect(a.body.extensions.readFrom.source).toBe('REPLICA');
        expect(b.body.extensions.readFrom.source).toBe('PRIMARY');
        expect(a.body.data).toEqual(b.body.data);
      }
      // the replica's lag and health on /metrics
      const metrics = await (await fetch(url.replace('/graphql', '/metrics'))).text();
      expect(metrics).toMatch(/db_replica_healthy\{replica="replica-1"\} 1/);
      expect(metrics).toMatch(/db_replica_lag_ms\{replica="replica-1"\} \d+/);
    },
  );

  maybe('read-your-writes: a replica that has not replayed the write is passed over for the primary', async () => {
    const before = (await kpis({ 'x-read-after-lsn': NOWHERE_YET })).body.data.kpis.leads;
    await cluster!.onReplica('SELECT pg_wal_replay_pause()');
    try {
      const w = await addLead();
      expect(w.body.data.upsertLeads.successCount).toBe(1);
      const lsn = w.headers.get('x-write-lsn')!;
      const mine = await kpis({ 'x-read-after-lsn': lsn });
      expect(mine.body.extensions.readFrom).toEqual({ source: 'PRIMARY', reason: 'NOT_CAUGHT_UP' });
      expect(mine.body.data.kpis.leads).toBe(before + 1);
      // without the header a replica may answer: it has not replayed the write yet
      const stale = await kpis();
      expect(stale.body.extensions.readFrom.source).toBe('REPLICA');
      expect(stale.body.data.kpis.leads).toBe(before);
    } finally {
      await cluster!.onReplica('SELECT pg_wal_replay_resume()');
    }
  });

  maybe('a replica behind by more than MAX_REPLICA_LAG_MS is skipped, and taken back once caught up', async () => {
    const primary = createDataSource({ url: cluster!.primaryUrl });
    await primary.initialize();
    const set = new ReplicaSet(primary, [cluster!.replicaUrl], { maxLagMs: 300, pollMs: 60_000 });
    try {
      await set.poll();
      expect(set.replicas[0]).toMatchObject({ healthy: true, lagMs: 0 });
      await cluster!.onReplica('SELECT pg_wal_replay_pause()');
      await addLead();
      await new Promise((r) => setTimeout(r, 700));
      await set.poll();
      expect(set.replicas[0].healthy).toBe(false);
      expect(set.replicas[0].lagMs).toBeGreaterThan(300);
      expect(set.choose(null)).toEqual({ replica: null, reason: 'NO_HEALTHY_REPLICA' });
      await cluster!.onReplica('SELECT pg_wal_replay_resume()');
      await eventually(
        () => set.poll().then(() => set.replicas[0].healthy),
        (h) => h,
      );
      expect(set.replicas[0].lagMs).toBeLessThanOrEqual(300);
    } finally {
      await cluster!.onReplica('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await set.stop();
      await primary.destroy();
    }
  });

  maybe('the replica stopped: reads move to the primary with no error, and back once it is up', async () => {
    await eventually(kpis, (r) => r.body.extensions?.readFrom?.source === 'REPLICA');
    await cluster!.stopReplica();
    try {
      // an export that meets the stopped replica answers 503 (retryable) and skips it: its retry reads the primary
      let e = await get('/export/leads.csv?limit=10');
      if (e.status === 503) e = await get('/export/leads.csv?limit=10');
      expect(e.status).toBe(200);
      expect(e.headers.get('x-read-from')).toMatch(/^primary; reason=/);
      for (let i = 0; i < 5; i++) {
        const r = await kpis();
        expect(r.status).toBe(200);
        expect(r.body.errors).toBeUndefined();
        expect(r.body.extensions.readFrom.source).toBe('PRIMARY');
      }
    } finally {
      await cluster!.startReplica();
    }
    const back = await eventually(kpis, (r) => r.body.extensions?.readFrom?.source === 'REPLICA', 30_000);
    expect(back.body.extensions.readFrom.source).toBe('REPLICA');
  });

  maybe('an x-read-after-lsn that is not a WAL position is a 400 BAD_USER_INPUT', async () => {
    const r = await kpis({ 'x-read-after-lsn': 'yesterday' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'x-read-after-lsn' });
  });

  maybe('exports read from the replica (x-read-from), lists included, with the rows the primary has', async () => {
    await eventually(kpis, (r) => r.body.extensions?.readFrom?.source === 'REPLICA');
    for (const p of [
      '/export/leads.csv?limit=500',
      `/export/kpis.csv?metrics=LEADS&from=${WINDOW.from}&to=${WINDOW.to}&interval=MONTH`,
    ]) {
      const replica = await get(p);
      const primary = await get(p, { 'x-read-after-lsn': NOWHERE_YET });
      expect(replica.status).toBe(200);
      expect(replica.headers.get('x-read-from')).toMatch(/^replica-1; lag-ms=\d+$/);
      expect(primary.headers.get('x-read-from')).toBe('primary; reason=NOT_CAUGHT_UP');
      expect(await replica.text()).toBe(await primary.text());
    }
    // the list's rows come from the replica: one that has not replayed a write does not have it yet
    await cluster!.onReplica('SELECT pg_wal_replay_pause()');
    try {
      const w = await addLead();
      expect(w.body.data.upsertLeads.successCount).toBe(1);
      const id = `rr-${process.pid}-${n}`;
      const stale = await get('/export/leads.csv?limit=10000');
      const fresh = await get('/export/leads.csv?limit=10000', { 'x-read-after-lsn': w.headers.get('x-write-lsn')! });
      expect(stale.headers.get('x-read-from')).toMatch(/^replica-1/);
      expect(await stale.text()).not.toContain(id);
      expect(fresh.headers.get('x-read-from')).toBe('primary; reason=NOT_CAUGHT_UP');
      expect(await fresh.text()).toContain(id);
    } finally {
      await cluster!.onReplica('SELECT pg_wal_replay_resume()');
    }
  });

  maybe('lists and entities stay on the primary (no readFrom)', async () => {
    const r = await gql(`{ leads(first: 1) { totalCount } }`, {});
    expect(r.body.errors).toBeUndefined();
    expect(r.body.extensions?.readFrom).toBeUndefined();
  });
});
