import { Role } from '../../../src/common/graphql/enums';
import { productionConfig, startTestApi, TestApi } from '../../support/test-server';

describe('cost limit and per-principal leaky bucket', () => {
  let api: TestApi;
  let clock = Date.now();
  // 120 points, 10 back per second: two 52-point kpis queries fit, the third must wait
  beforeAll(
    async () =>
      (api = await startTestApi(
        productionConfig({ RATE_BUCKET_CAPACITY: '120', RATE_REFILL_PER_SECOND: '10' }),
        () => clock,
      )),
  );
  afterAll(() => api.close());
  const KPIS = `{ kpis(input: { from: "2019-01-01T00:00:00Z", to: "2019-02-01T00:00:00Z" }) { leads winRate { value } } }`;

  it('reports the cost; an empty bucket gives RATE_LIMITED with HTTP 429 and Retry-After; other principals are unaffected', async () => {
    const first = await api.gql(KPIS, {}, Role.ANALYST);
    expect(first.status).toBe(200);
    expect(first.body.extensions?.cost).toEqual({ requested: 52, remaining: 68, limit: 120 });
    expect((await api.gql(KPIS, {}, Role.ANALYST)).status).toBe(200);
    const limited = await api.gql(KPIS, {}, Role.ANALYST);
    expect([limited.status, limited.body.errors?.[0].extensions?.code]).toEqual([429, 'RATE_LIMITED']);
    const wait = Number(limited.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(limited.body.errors?.[0].extensions?.retryAfter).toBe(wait);
    expect((await api.gql(KPIS, {}, Role.REVOPS)).status).toBe(200); // another principal, another bucket
    expect((await api.gql(KPIS, {}, Role.ANALYST)).status).toBe(429); // no time passed: still empty
    clock += wait * 1000; // Retry-After later (the service's clock moves; nothing sleeps), the points are back
    expect((await api.gql(KPIS, {}, Role.ANALYST)).status).toBe(200);
  });

  it('a query over the cost limit is refused before it runs, whatever the bucket holds', async () => {
    const r = await api.gql(
      `{ deals(first: 100) { nodes { leads { touchpoints(first: 100) { nodes { id } } } } } }`,
      {},
      Role.ADMIN,
    );
    expect([r.status, r.body.errors?.[0].extensions?.code, r.body.errors?.[0].extensions?.cost?.limit]).toEqual([
      400,
      'BAD_USER_INPUT',
      1000,
    ]);
  });
});
