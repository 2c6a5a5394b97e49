import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Role } from '../../../src/common/graphql/enums';
import { createDataSource } from '../../../src/data-source';
import { createServer, RunningServer } from '../../../src/server';
import { BulkOut, UPSERT_DEALS } from '../../support/ops';
import { testDatabaseUrl } from '../../support/db';
import { scratchDatabase } from '../../support/scratch-db';
import { loadConfig } from '../../../src/config/config';
import { testConfig, tokenFor } from '../../support/tokens';

/** The test configuration, quiet: every killed write logs a database-fault warning. */
const quiet = loadConfig({
  NODE_ENV: 'test',
  PORT: '0',
  JWT_SECRET: testConfig.jwt.secret,
  LOG_LEVEL: 'silent',
  RATE_BUCKET_CAPACITY: '1000000000',
  RATE_REFILL_PER_SECOND: '1000000000',
});

const KPIS = `{ kpis(input: { from: "2019-01-01T00:00:00Z", to: "2019-02-01T00:00:00Z" }) { leads } }`;

interface Reply {
  status: number;
  retryAfter: string | null;
  body: { data?: any; errors?: { extensions?: Record<string, any> }[] };
}

async function gql(
  server: RunningServer,
  query: string,
  variables: Record<string, unknown> = {},
  role = Role.REVOPS,
): Promise<Reply> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(role)}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Reply['body'] };
}

/** A client outside the API's pool, on the same database, to kill the API's backends and to count what is visible. */
async function outsider(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
}

const retryable = (r: Reply) =>
  r.status === 503 &&
  r.retryAfter !== null &&
  r.body.errors?.[0].extensions?.code === 'RATE_LIMITED' &&
  /^DATABASE_/.test(r.body.errors?.[0].extensions?.reason);

describe('database faults while the service writes (a database of its own, real PostgreSQL)', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let ds: DataSource;
  let server: RunningServer;
  let admin: Client;
  beforeAll(async () => {
    scratch = await scratchDatabase('faults');
    ds = scratch.ds;
    server = await createServer(quiet, ds, 0);
    admin = await outsider(scratch.url);
  });
  afterAll(async () => {
    await admin.end();
    await server.stop();
    await scratch.drop();
    const c = await outsider(testDatabaseUrl()); // the role's grants were in the dropped database only
    await c.query('DROP ROLE IF EXISTS fault_login').finally(() => c.end());
  });

  it('20 rounds: backends killed while 500-item bulk writes run → success or a retryable 503, never a 500, never a partial batch', async () => {
    const outcomes = { success: 0, retryable: 0 };
    for (let round = 0; round < 20; round++) {
      const p = `kill${round}x`;
      const input = Array.from({ length: 500 }, (_, i) => ({
        externalId: `${p}-${i}`,
        name: `${p} deal ${i}`,
        amount: i + 1,
        createdAt: '2024-05-01T12:00:00.000Z',
      }));
      const write = gql(server, UPSERT_DEALS, { input });
      // kill every backend of the API (all but ours) at a moment spread over the write's lifetime
      await new Promise((r) => setTimeout(r, (round % 10) * 70));
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      const r = await write;
      expect(r.status).not.toBe(500);
      expect(JSON.stringify(r.body)).not.toMatch(/INTERNAL_SERVER_ERROR|ECONNRESET|already released/);
      const visible = Number(
        (await admin.query(`SELECT count(*) FROM deals WHERE external_id LIKE $1`, [`${p}-%`])).rows[0].count,
      );
      if (r.body.data?.upsertDeals) {
        expect((r.body.data.upsertDeals as BulkOut).successCount).toBe(500);
        expect(visible).toBe(500);
        outcomes.success++;
      } else {
        expect(retryable(r)).toBe(true);
        expect(visible).toBe(0); // all or nothing
        outcomes.retryable++;
        // the client retries as told, and the batch lands whole
        let again = await gql(server, UPSERT_DEALS, { input });
        for (let i = 0; i < 5 && !again.body.data; i++) again = await gql(server, UPSERT_DEALS, { input });
        expect(again.body.data?.upsertDeals.successCount).toBe(500);
        expect(
          Number((await admin.query(`SELECT count(*) FROM deals WHERE external_id LIKE $1`, [`${p}-%`])).rows[0].count),
        ).toBe(500);
      }
    }
    // the kills really landed mid-write in some rounds (and some writes finished first)
    expect(outcomes.retryable).toBeGreaterThan(0);
    console.log(`fault rounds: ${outcomes.success} succeeded, ${outcomes.retryable} answered a retryable 503`);
  });

  it('a role that may no longer log in (28000) is a retryable 503 with nothing written', async () => {
    await admin.query(
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fault_login') THEN CREATE ROLE fault_login LOGIN; END IF; END $$`,
    );
    await admin.query(`ALTER ROLE fault_login PASSWORD 'fault-login-pass'`);
    await admin.query(
      `GRANT ALL ON ALL TABLES IN SCHEMA public TO fault_login; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO fault_login`,
    );
    const url = new URL(scratch.url);
    url.username = 'fault_login';
    url.password = 'fault-login-pass';
    const own = createDataSource({ url: url.toString(), poolSize: 2 });
    await own.initialize();
    const srv = await createServer(quiet, own, 0);
    try {
      expect((await gql(srv, KPIS, {}, Role.ANALYST)).body.data?.kpis).toBeDefined();
      await admin.query(`ALTER ROLE fault_login NOLOGIN`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'fault_login'`);
      const r = await gql(srv, UPSERT_DEALS, { input: [{ externalId: 'login-gone', name: 'x', amount: 1 }] });
      expect(retryable(r)).toBe(true);
      expect((await admin.query(`SELECT count(*) FROM deals WHERE external_id = 'login-gone'`)).rows[0].count).toBe(
        '0',
      );
    } finally {
      await srv.stop();
      await own.destroy().catch(() => undefined);
      await admin.query(`ALTER ROLE fault_login LOGIN`);
    }
  });
});

describe('a database that stops accepting connections, then is dropped', () => {
  it('ALLOW_CONNECTIONS false (55000), then DROP DATABASE (3D000): each a retryable 503, never a 500', async () => {
    const scratch = await scratchDatabase('gone');
    const server = await createServer(quiet, scratch.ds, 0);
    const name = new URL(scratch.url).pathname.slice(1);
    const postgresUrl = new URL(scratch.url);
    postgresUrl.pathname = '/postgres';
    const admin = await outsider(postgresUrl.toString());
    try {
      expect((await gql(server, KPIS, {}, Role.ANALYST)).body.data?.kpis).toBeDefined();
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
      const closed = await gql(server, KPIS, {}, Role.ANALYST);
      expect([closed.status, closed.body.errors?.[0].extensions?.reason]).toEqual([503, 'DATABASE_UNAVAILABLE']);
      const write = await gql(server, UPSERT_DEALS, { input: [{ externalId: 'x', name: 'x', amount: 1 }] });
      expect(retryable(write)).toBe(true);
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      const dropped = await gql(server, KPIS, {}, Role.ANALYST);
      expect([
        dropped.status,
        dropped.body.errors?.[0].extensions?.code,
        dropped.body.errors?.[0].extensions?.reason,
      ]).toEqual([503, 'RATE_LIMITED', 'DATABASE_UNAVAILABLE']);
    } finally {
      await admin.end();
      await server.stop();
      await scratch.ds.destroy().catch(() => undefined);
      await scratch.drop().catch(() => undefined);
    }
  });
});
