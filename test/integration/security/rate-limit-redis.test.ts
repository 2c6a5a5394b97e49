import Redis from 'ioredis';
import { Role } from '../../../src/common/graphql/enums';
import { Logger } from '../../../src/common/log/logger';
import { RedisCostBuckets } from '../../../src/common/limits/redis-buckets';
import { productionConfig, startTestApi, TestApi } from '../../support/test-server';

/** The machine's Redis (REDIS_URL of the tests); CI starts it, elsewhere the file is skipped when none answers. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = 'revenue-funnel:cost:';

async function redisAnswers(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('cost buckets in Redis (REDIS_URL): one bucket per principal across instances', () => {
  let available = false;
  let redis: Redis;
  beforeAll(async () => {
    available = await redisAnswers();
    if (!available && process.env.CI) throw new Error(`CI needs Redis at ${REDIS_URL}`);
    redis = new Redis(REDIS_URL, { lazyConnect: true });
    if (available) await redis.connect();
  });
  afterAll(() => redis.disconnect());
  const forget = async (pattern: string) => {
    const keys = await redis.keys(PREFIX + pattern);
    if (keys.length) await redis.del(...keys);
  };

  it('takes exactly the capacity when three instances take at once (one atomic script)', async () => {
    if (!available) return;
    await forget('atomic:*');
    // 100 points, next to no refill: ten takes of 10 fit, whichever instance takes them
    const instances = [0, 1, 2].map(() => new RedisCostBuckets(REDIS_URL, 100, 0.001, silent));
    try {
      await Promise.all(instances.map((b) => b.connect()));
      const takes = await Promise.all(Array.from({ length: 30 }, (_, i) => instances[i % 3].take('atomic:p', 10)));
      expect(takes.filter((t) => t.ok)).toHaveLength(10);
      const refused = takes.find((t) => !t.ok)!;
      expect(refused).toMatchObject({ ok: false, remaining: 0 });
      expect(await instances[0].take('atomic:other', 100)).toEqual({ ok: true, remaining: 0 }); // per principal
    } finally {
      await Promise.all(instances.map((b) => b.close()));
    }
  });

  it('refills at the rate on Redis’s clock, never above capacity, as the in-process bucket does', async () => {
    if (!available) return;
    await forget('refill:*');
    const b = new RedisCostBuckets(REDIS_URL, 100, 1000, silent); // 1 point per millisecond
    try {
      await b.connect();
      expect(await b.take('refill:p', 100)).toMatchObject({ ok: true, remaining: 0 });
      const refused = await b.take('refill:p', 100);
      expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 1 });
      await new Promise((r) => setTimeout(r, 150));
      expect(await b.take('refill:p', 100)).toMatchObject({ ok: true, remaining: 0 });
      await new Promise((r) => setTimeout(r, 300));
      expect(await b.take('refill:p', 1)).toEqual({ ok: true, remaining: 99 });
      expect(await redis.pttl(`${PREFIX}refill:p`)).toBeGreaterThan(0); // an idle bucket expires: missing is full
    } finally {
      await b.close();
    }
  });

  it('with Redis unreachable an instance admits by its own buckets, and says so once', async () => {
    const warnings: string[] = [];
    const b = new RedisCostBuckets(
      'redis://127.0.0.1:1',
      100,
      10,
      { ...silent, warn: (m) => warnings.push(m) },
      PREFIX,
      100,
    );
    try {
      await b.connect();
      expect(await b.take('down:p', 60)).toEqual({ ok: true, remaining: 40 });
      expect(await b.take('down:p', 60)).toEqual({ ok: false, retryAfterSeconds: 2, remaining: 40 });
      expect(warnings).toEqual(['redis cost buckets unavailable: this instance admits by its own buckets']);
    } finally {
      await b.close();
    }
  });

  describe('two API instances sharing Redis', () => {
    let a: TestApi;
    let b: TestApi;
    const config = () =>
      productionConfig({ RATE_BUCKET_CAPACITY: '120', RATE_REFILL_PER_SECOND: '1', REDIS_URL: REDIS_URL });
    beforeAll(async () => {
      if (!available) return;
      await forget('ANALYST:*');
      await forget('REVOPS:*');
      a = await startTestApi(config());
      b = await startTestApi(config());
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });
    const KPIS = `{ kpis(input: { from: "2019-01-01T00:00:00Z", to: "2019-02-01T00:00:00Z" }) { leads winRate { value } } }`;

    it('a principal gets one bucket, not one per instance: the second instance sees what the first took', async () => {
      if (!available) return;
      const first = await a.gql(KPIS, {}, Role.ANALYST);
      expect([first.status, first.body.extensions?.cost]).toEqual([200, { requested: 52, remaining: 68, limit: 120 }]);
      const second = await b.gql(KPIS, {}, Role.ANALYST);
      expect(second.status).toBe(200);
      // 68 − 52, plus a point a second while the requests ran
      expect(second.body.extensions?.cost.remaining).toBeGreaterThanOrEqual(16);
      expect(second.body.extensions?.cost.remaining).toBeLessThan(30);
      const limited = await a.gql(KPIS, {}, Role.ANALYST);
      expect([limited.status, limited.body.errors?.[0].extensions?.code]).toEqual([429, 'RATE_LIMITED']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(20);
      expect((await b.gql(KPIS, {}, Role.REVOPS)).status).toBe(200); // another principal, another bucket
    });
  });
});
