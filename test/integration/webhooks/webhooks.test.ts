import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../../src/common/graphql/enums';
import { loadConfig } from '../../../src/config/config';
import { BulkOut, UPSERT_DEALS } from '../../support/ops';
import { testDatabaseUrl } from '../../support/db';
import { buildToTemp, builtServiceEnv, ROOT } from '../../support/built-service';
import { startTestApi, TestApi } from '../../support/test-server';
import { testConfig } from '../../support/tokens';
import { unique } from '../../support/unique';
import { Received, startReceiver, verifySignature } from '../../support/webhook-receiver';

/** Fast retries for tests: 40 ms, 80 ms, 160 ms … (jittered down to half), a 1 s attempt limit (lease 3 s). */
const WEBHOOK_ENV = {
  WEBHOOK_DISPATCH: 'true',
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_BACKOFF_BASE_MS: '40',
  WEBHOOK_BACKOFF_FACTOR: '2',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_POLL_MS: '20',
};
const config = (env: Record<string, string> = {}) =>
  loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    JWT_SECRET: testConfig.jwt.secret,
    LOG_LEVEL: 'error',
    RATE_BUCKET_CAPACITY: '1000000000',
    RATE_REFILL_PER_SECOND: '1000000000',
    ...WEBHOOK_ENV,
    ...env,
  });

const CREATE = `mutation($i: WebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret endpoint { id url events enabled } } }`;
const DELIVERIES = `query($e: ID!, $s: WebhookDeliveryStatus) { webhookDeliveries(endpointId: $e, status: $s, first: 50) {
  totalCount nodes { id webhookId type recordId status attempts lastStatus lastError deliveredAt attemptLog { attempt status error } } } }`;

describe('webhooks: signed, at least once, retried, dead-lettered, replayed', () => {
  let api: TestApi;
  const created: string[] = [];
  beforeAll(async () => (api = await startTestApi(config({ WEBHOOK_MAX_ATTEMPTS: '4' }))));
  // an endpoint left behind would hear every later test's changes
  afterEach(async () => {
    for (const id of created.splice(0)) await api.gql(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id });
  });
  afterAll(() => api.close());

  const endpoint = async (url: string, events = ['DEAL']) => {
    const out = (await api.ok(CREATE, { i: { url, events, description: 'test receiver' } }, Role.REVOPS))
      .createWebhookEndpoint as { secret: string; endpoint: { id: string } };
    created.push(out.endpoint.id);
    return out;
  };
  const upsertDeal = async (externalId: string, amount = 100) =>
    (
      await api.ok<{ upsertDeals: BulkOut }>(UPSERT_DEALS, {
        input: [{ externalId, name: 'Hooked', amount }],
      })
    ).upsertDeals.results[0].id!;
  const deliveries = async (endpointId: string, s?: string) =>
    (await api.ok(DELIVERIES, { e: endpointId, s }, Role.REVOPS)).webhookDeliveries;
  /** This test's delivery among the endpoint's (other test files' changes reach it too). */
  const delivery = async (endpointId: string, recordId: string) =>
    (await deliveries(endpointId)).nodes.find((n: { recordId: string }) => n.recordId === recordId);
  const until = async <T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await f();
      if (ok(v) || Date.now() > end) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('a receiver failing the first 3 attempts gets the event on the 4th, signed, with one webhook-id throughout', async () => {
    const ext = unique('wh');
    const rx = await startReceiver(
      (x) => x === ext,
      (n) => (n <= 3 ? 500 : 200),
    );
    try {
      const { secret, endpoint: ep } = await endpoint(rx.url);
      const dealId = await upsertDeal(ext);
      await rx.waitFor(4);
      const got = rx.received;
      expect(got.every((r) => verifySignature(secret, r))).toBe(true);
      expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
      const body = JSON.parse(got[3].body);
      expect(body).toMatchObject({ type: 'deal.created', data: { id: dealId, version: 1 } });
      expect(typeof body.data.cursor).toBe('string');
      // backoff: each wait at least half of 40 ms × 2^(n-1)
      const gaps = got.slice(1).map((r, i) => r.at - got[i].at);
      gaps.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(20 * 2 ** i - 5));
      const d = await until(
        () => delivery(ep.id, dealId),
        (x) => x?.status === 'DELIVERED',
      );
      expect(d).toMatchObject({
        status: 'DELIVERED',
        attempts: 4,
        lastStatus: 200,
        type: 'deal.created',
        recordId: dealId,
      });
      expect(d.attemptLog.map((a: { status: number }) => a.status)).toEqual([500, 500, 500, 200]);
      // a tampered body or another secret does not verify
      expect(verifySignature(secret, { ...got[3], body: got[3].body.replace('deal', 'lead') })).toBe(false);
      expect(verifySignature(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, got[3])).toBe(false);
    } finally {
      await rx.close();
    }
  });

  it('a receiver down for longer ends DEAD after the last attempt; replay delivers it with the same webhook-id', async () => {
    let up = false;
    const ext = unique('wh');
    const rx = await startReceiver(
      (x) => x === ext,
      () => (up ? 200 : 503),
    );
    try {
      const { secret, endpoint: ep } = await endpoint(rx.url);
      const dealId = await upsertDeal(ext);
      const dead = await until(
        () => deliveries(ep.id, 'DEAD'),
        (x) => x.totalCount === 1,
      );
      expect(dead.nodes[0]).toMatchObject({ status: 'DEAD', attempts: 4, lastStatus: 503, lastError: 'HTTP 503' });
      expect(rx.received).toHaveLength(4);
      up = true;
      const replayed = await api.ok(
        `mutation($e: ID!) { replayWebhookDeliveries(endpointId: $e) }`,
        { e: ep.id },
        Role.REVOPS,
      );
      expect(replayed.replayWebhookDeliveries).toBe(1);
      await rx.waitFor(5);
      expect(verifySignature(secret, rx.received[4])).toBe(true);
      expect(rx.received[4].headers['webhook-id']).toBe(rx.received[0].headers['webhook-id']);
      const done = await until(
        () => delivery(ep.id, dealId),
        (x) => x?.status === 'DELIVERED',
      );
      expect(done).toMatchObject({ status: 'DELIVERED', attempts: 1 });
    } finally {
      await rx.close();
    }
  });

  it('only the kinds an endpoint asks for; a disabled endpoint gets nothing new; rollback sends nothing', async () => {
    const lead = unique('whl');
    const deal = unique('wh');
    const rx = await startReceiver((x) => x === lead || x === deal || x.startsWith('whr-'));
    try {
      const { endpoint: ep } = await endpoint(rx.url, ['LEAD']);
      await upsertDeal(deal); // a deal: not this endpoint's kind
      await api.ok(`mutation($e: String!) { upsertLeads(input: [{ externalId: $e }]) { successCount } }`, { e: lead });
      await rx.waitFor(1);
      expect(JSON.parse(rx.received[0].body).type).toBe('lead.created');
      await api.ok(
        `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: false }) { enabled } }`,
        { id: ep.id },
        Role.REVOPS,
      );
      await api.ok(`mutation($e: String!) { upsertLeads(input: [{ externalId: $e, score: 5 }]) { successCount } }`, {
        e: lead,
      });
      // allOrNone with a failing item: nothing committed, so nothing to deliver
      await api.ok(
        `mutation($e: String!) { upsertLeads(allOrNone: true, input: [{ externalId: $e, score: 6 }, { externalId: $e }]) { successCount } }`,
        { e: unique('whr') },
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(rx.received).toHaveLength(1);
    } finally {
      await rx.close();
    }
  });

  it('endpoints: REVOPS/ADMIN only, URLs checked (scheme, credentials, private targets without WEBHOOK_ALLOW_PRIVATE), secret audited redacted', async () => {
    const sales = await api.gql(CREATE, { i: { url: 'https://example.com/h', events: ['DEAL'] } }, Role.SALES);
    expect(sales.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    for (const url of ['ftp://example.com/h', 'https://user:pw@example.com/h', 'not a url'])
      expect(
        (await api.gql(CREATE, { i: { url, events: ['DEAL'] } }, Role.ADMIN)).body.errors?.[0].extensions,
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'url',
      });
    const strict = await startTestApi(config({ WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_DISPATCH: 'false' }));
    try {
      for (const url of [
        'http://127.0.0.1:9/h',
        'http://[::1]/h',
        'http://169.254.169.254/latest',
        'http://10.1.2.3/',
        'http://localhost/h',
      ])
        expect(
          (await strict.gql(CREATE, { i: { url, events: ['DEAL'] } }, Role.ADMIN)).body.errors?.[0].extensions,
        ).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'url',
        });
    } finally {
      await strict.close();
    }
    const { secret, endpoint: ep } = await endpoint('https://hooks.example.com/in');
    const [{ changes }] = await api.ds.query(
      `SELECT changes::text FROM audit_log WHERE entity = 'webhook_endpoints' AND entity_id = $1 AND action = 'INSERT'`,
      [ep.id],
    );
    expect(changes).not.toContain(secret);
    expect(changes).toContain('[redacted]');
    expect(
      (await api.ok(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: ep.id }, Role.ADMIN))
        .deleteWebhookEndpoint,
    ).toBe(true);
    created.splice(created.indexOf(ep.id), 1);
  });
});

/**
 * The service killed (SIGKILL) while a delivery is in flight: the delivery row was committed with the change, the
 * attempt's lease runs out, and the restarted service delivers it. The service runs as its own process, built from
 * this checkout.
 */
describe('webhooks survive a crash between the write and the delivery', () => {
  let api: TestApi;
  let dist: string;
  let child: ChildProcess | null = null;
  beforeAll(async () => {
    api = await startTestApi(config({ WEBHOOK_DISPATCH: 'false' }));
    dist = buildToTemp();
  }, 120_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await api.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  const startService = () =>
    spawn(process.execPath, [path.join(dist, 'src/main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...WEBHOOK_ENV,
        NODE_ENV: 'test',
        PORT: '0',
        DATABASE_URL: testDatabaseUrl(),
        JWT_SECRET: testConfig.jwt.secret,
        LOG_LEVEL: 'error',
        SEED_DEMO: 'false',
        // the build lives outside the checkout: its packages are the checkout's
        ...builtServiceEnv,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });

  it('the restarted service delivers what the killed one had claimed (same webhook-id, valid signature)', async () => {
    let hang = true;
    const ext = unique('crash');
    const rx = await startReceiver(
      (x) => x === ext,
      () => (hang ? 'hang' : 200),
    );
    try {
      const { secret, endpoint: ep } = (await api.ok(CREATE, { i: { url: rx.url, events: ['DEAL'] } }, Role.ADMIN))
        .createWebhookEndpoint;
      child = startService();
      await api.ok<{ upsertDeals: BulkOut }>(UPSERT_DEALS, {
        input: [{ externalId: ext, name: 'Crash', amount: 1 }],
      });
      await rx.waitFor(1); // the first attempt is in flight: the receiver holds it
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      const heldBeforeRestart = rx.received.length;
      hang = false;
      // claimed and unfinished: PENDING, at least one attempt counted (a slow machine may have seen the child time
      // out its first attempt and claim a second before the kill), never DELIVERED
      const [claimed] = await api.ds.query(
        `SELECT d.status, d.attempts FROM webhook_deliveries d JOIN change_events e ON e.id = d.event_id
         WHERE d.endpoint_id = $1 AND e.external_id = $2`,
        [ep.id, ext],
      );
      expect(claimed.status).toBe('PENDING');
      expect(claimed.attempts).toBeGreaterThanOrEqual(1);
      child = startService();
      await rx.waitFor(heldBeforeRestart + 1);
      const first = rx.received[0] as Received;
      const afterRestart = rx.received[heldBeforeRestart] as Received;
      expect(afterRestart.headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(verifySignature(secret, afterRestart)).toBe(true);
      const end = Date.now() + 20_000;
      let rows: { status: string; attempts: number }[] = [];
      while (Date.now() < end) {
        rows = await api.ds.query(
          `SELECT d.status, d.attempts FROM webhook_deliveries d JOIN change_events e ON e.id = d.event_id
         WHERE d.endpoint_id = $1 AND e.external_id = $2`,
          [ep.id, ext],
        );
        if (rows[0]?.status === 'DELIVERED') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(rows).toEqual([{ status: 'DELIVERED', attempts: claimed.attempts + 1 }]);
    } finally {
      child?.kill('SIGKILL');
      child = null;
      await rx.close();
      await api.ds.query(`DELETE FROM webhook_endpoints WHERE url = $1`, [rx.url]);
    }
  }, 90_000);
});
