import { Role } from '../../../src/common/graphql/enums';
import { BulkOut, DEAL_BY_EXT, MOVE_DEAL, UPSERT_DEALS, at } from '../../support/ops';
import { startTestApi, TestApi } from '../../support/test-server';
import { testConfig } from '../../support/tokens';
import { loadConfig } from '../../../src/config/config';
import { unique } from '../../support/unique';

describe('Idempotency-Key on mutations', () => {
  let api: TestApi;
  beforeAll(async () => (api = await startTestApi()));
  afterAll(() => api.close());

  const newDeal = async () => {
    const p = unique('idem');
    const r = await api.ok<Record<string, BulkOut>>(
      UPSERT_DEALS,
      { input: [{ externalId: p, name: 'd', amount: 1, createdAt: at('2025-02-01') }] },
      Role.REVOPS,
    );
    return { p, id: r.upsertDeals.results[0].id! };
  };
  const move = (id: string, stage: string, expectedVersion: number, key?: string, role = Role.REVOPS) =>
    api.gql(MOVE_DEAL, { input: { dealId: id, stage, expectedVersion } }, role, key ? { 'idempotency-key': key } : {});
  const version = async (p: string) => (await api.ok(DEAL_BY_EXT, { e: p })).dealByExternalId.version;

  it('same key and body: the stored response is replayed and nothing runs twice', async () => {
    const { p, id } = await newDeal();
    const key = unique('key-same');
    const first = await move(id, 'PROPOSAL', 1, key);
    expect(first.body.data?.moveDealStage).toMatchObject({ version: 2, stage: { key: 'PROPOSAL' } });
    const again = await move(id, 'PROPOSAL', 1, key);
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    expect(again.body.data).toEqual(first.body.data);
    expect(await version(p)).toBe(2);
    const noKey = await move(id, 'PROPOSAL', 1); // without a key the same request runs, and the version check refuses it
    expect(noKey.body.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('same key, another body → IDEMPOTENCY_KEY_REUSED (422), nothing written', async () => {
    const { p, id } = await newDeal();
    const key = unique('key-reuse');
    await move(id, 'PROPOSAL', 1, key);
    const other = await move(id, 'NEGOTIATION', 2, key);
    expect([other.status, other.body.errors?.[0].extensions?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await version(p)).toBe(2);
  });

  it('10 concurrent requests with one key: exactly one runs; the others replay it or are told to retry (409)', async () => {
    const { p, id } = await newDeal();
    const key = unique('key-race');
    const all = await Promise.all(Array.from({ length: 10 }, () => move(id, 'DISCOVERY', 1, key)));
    const ran = all.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') !== 'true');
    const replayed = all.filter((r) => r.headers.get('idempotent-replayed') === 'true');
    const busy = all.filter((r) => r.status === 409);
    expect(ran).toHaveLength(1);
    expect(replayed.length + busy.length).toBe(9);
    busy.forEach((r) =>
      expect(r.body.errors?.[0].extensions).toMatchObject({
        code: 'CONFLICT',
        reason: 'IDEMPOTENCY_KEY_IN_USE',
        retryable: true,
      }),
    );
    expect(
      all.some((r) => r.body.errors?.[0].extensions?.code === 'CONFLICT' && !r.body.errors?.[0].extensions?.reason),
    ).toBe(false);
    expect(await version(p)).toBe(2);
  });

  it('a request refused as bad input keeps no key: the corrected retry with the same key runs', async () => {
    const { p, id } = await newDeal();
    const key = unique('key-fix');
    const bad = await move(id, 'NO_SUCH_STAGE', 1, key);
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const fixed = await move(id, 'PROPOSAL', 1, key);
    expect(fixed.body.data?.moveDealStage).toMatchObject({ version: 2 });
    expect(await version(p)).toBe(2);
  });

  it('a request refused by the cost limit (429) keeps no key: the retry with the same key runs once the bucket refills', async () => {
    // the cost limit and the key claim run side by side; the 429 must not leave the key claimed (IN_PROGRESS)
    let clock = Date.now();
    const small = await startTestApi(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        JWT_SECRET: testConfig.jwt.secret,
        LOG_LEVEL: 'warn',
        RATE_BUCKET_CAPACITY: '20',
        RATE_REFILL_PER_SECOND: '10',
      }),
      () => clock,
    );
    try {
      const p = unique('idem429');
      const up = (key: string) =>
        small.gql(
          UPSERT_DEALS,
          { input: [{ externalId: p, name: 'd', amount: 1, createdAt: at('2025-02-01') }] },
          Role.REVOPS,
          { 'idempotency-key': key },
        );
      for (let i = 0; i < 20; i++) {
        const key = unique(`key-429-${i}`);
        expect((await up(unique('drain'))).status).toBeLessThan(500); // empties the bucket
        const refused = await up(key);
        if (refused.status !== 429) continue;
        expect(refused.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
        clock += 1100; // refilled (the service's clock moves; nothing sleeps)
        const retried = await up(key);
        expect([retried.status, retried.body.errors ?? null]).toEqual([200, null]);
        return;
      }
      throw new Error('the bucket never ran dry');
    } finally {
      await small.close();
    }
  });

  it('keys belong to their principal; after 24 hours a key is new again; malformed keys are refused', async () => {
    const { id } = await newDeal();
    const key = unique('key-scope');
    expect((await move(id, 'PROPOSAL', 1, key, Role.REVOPS)).body.data?.moveDealStage.version).toBe(2);
    const other = await move(id, 'NEGOTIATION', 2, key, Role.ADMIN); // same key, another principal: its own request
    expect(other.body.data?.moveDealStage.version).toBe(3);
    await api.ds.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [key]);
    const late = await move(id, 'WON', 3, key, Role.REVOPS);
    expect(late.body.data?.moveDealStage).toMatchObject({ version: 4, status: 'WON' });
    for (const bad of ['short', 'x'.repeat(256), 'has space in it']) {
      const r = await move(id, 'LOST', 4, bad);
      expect([r.status, r.body.errors?.[0].extensions?.code]).toEqual([400, 'BAD_USER_INPUT']);
    }
  });

  it('a claim whose request never reported back (a crash) holds for its 60 s lease, then the same request may run', async () => {
    let clock = Date.now();
    const timed = await startTestApi(testConfig, () => clock);
    try {
      const p = unique('lease');
      const key = unique('key-lease');
      const send = () =>
        timed.gql(
          UPSERT_DEALS,
          { input: [{ externalId: p, name: 'd', amount: 1, createdAt: at('2025-02-01') }] },
          Role.REVOPS,
          {
            'idempotency-key': key,
          },
        );
      expect((await send()).status).toBe(200);
      // as if the process died mid-request: the key is claimed, no response stored, lease from the service's clock
      await timed.ds.query(
        `UPDATE idempotency_keys SET status = 'IN_PROGRESS', response = NULL, locked_until = $2::timestamptz + interval '60 seconds' WHERE key = $1`,
        [key, new Date(clock)],
      );
      clock += 59_000;
      const held = await send();
      expect([held.status, held.body.errors?.[0].extensions?.reason]).toEqual([409, 'IDEMPOTENCY_KEY_IN_USE']);
      clock += 2_000; // the lease has lapsed: nothing slept
      const rerun = await send();
      expect([rerun.status, rerun.headers.get('idempotent-replayed')]).toEqual([200, null]);
      expect(rerun.body.data?.upsertDeals.results[0]).toMatchObject({ success: true, created: false });
    } finally {
      await timed.close();
    }
  });

  it('queries ignore the header', async () => {
    const r = await api.gql(`{ me { role } }`, {}, Role.ANALYST, { 'idempotency-key': 'whatever-key-1' });
    expect(r.body.data).toEqual({ me: { role: 'ANALYST' } });
  });
});
