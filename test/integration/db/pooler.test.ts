import { Client as WsClient, createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { App, startApp } from '../../../src/app';
import { Role } from '../../../src/common/graphql/enums';
import { loadConfig } from '../../../src/config/config';
import { testDatabaseUrl } from '../../support/db';
import { adminQuery, oneMigrationAtATime } from '../../support/scratch-db';
import { Bouncer, startPgbouncer } from '../../../scripts/topology/pgbouncer';
import { testConfig, tokenFor } from '../../support/tokens';

/**
 * Behind PgBouncer in transaction mode (DB_POOLER=transaction): a database of its own, migrated by two instances that
 * start together (through DATABASE_DIRECT_URL, one at a time under the migration lock), then reads, bulk writes and a
 * subscription through the pooler with a pool smaller than the clients. Skipped where PgBouncer is not installed.
 */
const name = `pooler_${process.pid}_${Date.now()}`;
const direct = (() => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
})();

let bouncer: Bouncer | null = null;
const apps: App[] = [];

async function gql(app: App, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(app.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(Role.ADMIN)}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: { message: string }[] };
}

beforeAll(async () => {
  await adminQuery(`CREATE DATABASE ${name}`);
  bouncer = await startPgbouncer(direct, `SET statement_timeout = '15s'; SET lock_timeout = '5s'; SET jit = off`);
}, 30_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await bouncer?.stop();
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

const maybe = (title: string, fn: () => Promise<void>) =>
  it(
    title,
    async () => {
      if (!bouncer) {
        // CI installs what these tests need (.ci/run): there a missing part is a failure, not a skip
        if (process.env.CI) throw new Error('PgBouncer is not installed');
        console.warn(`skipped: PgBouncer is not installed: ${title}`);
        return;
      }
      await fn();
    },
    120_000,
  );

describe('behind PgBouncer in transaction mode (DB_POOLER=transaction)', () => {
  maybe('two instances starting together migrate one at a time and both become ready', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      JWT_SECRET: testConfig.jwt.secret,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: bouncer!.url,
      DB_POOLER: 'transaction',
      DATABASE_DIRECT_URL: direct,
      DB_POOL_SIZE: '8',
      BI_READER_DISABLED: 'true',
      RATE_BUCKET_CAPACITY: '1000000000',
      RATE_REFILL_PER_SECOND: '1000000000',
    });
    // both instances migrate at once (their own lock decides); no other test file's scratch database meanwhile
    await oneMigrationAtATime(async () => {
      apps.push(await startApp(config), await startApp(config));
      await Promise.all(apps.map((a) => a.ready));
    });
    const c = new Client({ connectionString: direct });
    await c.connect();
    try {
      const { rows } = await c.query(
        `SELECT name, count(*)::int AS n FROM typeorm_migrations GROUP BY name HAVING count(*) > 1`,
      );
      expect(rows).toEqual([]);
    } finally {
      await c.end();
    }
  });

  maybe(
    'reads (no named prepared statements), bulk writes and analytics through the pooler, on both instances',
    async () => {
      const leads = Array.from({ length: 50 }, (_, i) => ({
        externalId: `pool-${i}`,
        createdAt: '2026-03-01T00:00:00Z',
      }));
      const up = await gql(apps[0], `mutation($i: [LeadInput!]!) { upsertLeads(input: $i) { successCount } }`, {
        i: leads,
      });
      expect(up.errors).toBeUndefined();
      expect(up.data.upsertLeads.successCount).toBe(50);
      // more concurrent requests than the pooler has server connections: each statement may land on another session,
      // so a statement prepared by name on one would be unknown on the next (the hot reads are prepared otherwise)
      const page = await gql(apps[0], `{ leads(first: 50) { nodes { id externalId } } }`);
      expect(page.errors).toBeUndefined();
      const ids: { id: string; externalId: string }[] = page.data.leads.nodes;
      expect(ids).toHaveLength(50);
      const results = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          i % 4 === 3
            ? gql(apps[i % 2], `{ leads(first: 20) { nodes { externalId } } }`)
            : gql(apps[i % 2], `query($id: ID!) { lead(id: $id) { externalId createdAt } }`, { id: ids[i % 50].id }),
        ),
      );
      for (const [i, r] of results.entries()) {
        expect(r.errors).toBeUndefined();
        if (i % 4 !== 3) expect(r.data.lead.externalId).toBe(ids[i % 50].externalId);
      }
      const k = await gql(
        apps[1],
        `{ kpis(input: { from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z" }) { leads } }`,
      );
      expect(k.errors).toBeUndefined();
      expect(k.data.kpis.leads).toBe(50);
      // the session settings come from the pooler's connect_query (the service sends none through it)
      const s = await apps[0].ds.query(
        `SELECT current_setting('statement_timeout') AS st, current_setting('jit') AS jit`,
      );
      expect(s[0]).toEqual({ st: '15s', jit: 'off' });
    },
  );

  maybe(
    'a subscriber on one instance hears a write made through the other (LISTEN on DATABASE_DIRECT_URL)',
    async () => {
      const ws: WsClient = createClient({
        url: apps[1].server.url.replace('http://localhost', 'ws://127.0.0.1'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${tokenFor(Role.ANALYST)}` },
        retryAttempts: 0,
      });
      const seen: string[] = [];
      const stop = ws.subscribe(
        { query: `subscription { leadChanged { lead { externalId } } }` },
        {
          next: (v: any) => seen.push(v.data?.leadChanged?.lead?.externalId),
          error: () => undefined,
          complete: () => undefined,
        },
      );
      try {
        for (let round = 0; round < 50 && !seen.includes(`ping-${round - 1}`); round++) {
          await gql(apps[0], `mutation($i: [LeadInput!]!) { upsertLeads(input: $i) { successCount } }`, {
            i: [{ externalId: `ping-${round}` }],
          });
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(seen.some((e) => e?.startsWith('ping-'))).toBe(true);
      } finally {
        stop();
        await ws.dispose();
      }
    },
  );
});
