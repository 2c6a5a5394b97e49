import { Role } from '../../../src/common/graphql/enums';
import { setLogLevel } from '../../../src/common/log/logger';
import { loadConfig } from '../../../src/config/config';
import { startTestApi, TestApi } from '../../support/test-server';
import { testConfig, tokenFor } from '../../support/tokens';

describe('operations: /metrics (prom-client) and the access log (pino)', () => {
  let api: TestApi;
  let secured: TestApi;
  const lines: Record<string, any>[] = [];
  beforeAll(async () => {
    api = await startTestApi();
    secured = await startTestApi(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        JWT_SECRET: testConfig.jwt.secret,
        LOG_LEVEL: 'silent',
        METRICS_TOKEN: 'metrics-token-1234',
      }),
    );
    setLogLevel('info', { write: (l: string) => void lines.push(JSON.parse(l)) });
  });
  afterAll(async () => {
    setLogLevel('silent');
    await api.close();
    await secured.close();
  });
  const metrics = async (a: TestApi, headers: Record<string, string> = {}) =>
    fetch(a.server.url.replace('/graphql', '/metrics'), { headers });

  it('counts requests and latency by operation, errors by code, exports, and shows the pool', async () => {
    await api.ok(
      `query KpiTiles { kpis(input: { from: "2019-01-01T00:00:00Z", to: "2019-02-01T00:00:00Z" }) { leads } }`,
      {},
      Role.ANALYST,
    );
    await api.ok(`{ deals(first: 1) { nodes { id } } }`, {}, Role.ANALYST);
    await api.gql(
      `query Broken { kpis(input: { from: "2019-02-01T00:00:00Z", to: "2019-01-01T00:00:00Z" }) { leads } }`,
      {},
      Role.ANALYST,
    );
    await fetch(
      api.server.url.replace(
        '/graphql',
        '/export/kpis.json?metrics=LEADS&from=2019-01-01T00:00:00Z&to=2019-02-01T00:00:00Z&interval=MONTH',
      ),
      { headers: { authorization: `Bearer ${tokenFor(Role.ANALYST)}` } },
    );
    const res = await metrics(api);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /graphql_request_duration_seconds_count\{operation="KpiTiles",type="query",outcome="ok"\} 1\b/,
    );
    expect(text).toMatch(/graphql_request_duration_seconds_count\{operation="deals",type="query",outcome="ok"\} \d+/);
    expect(text).toMatch(
      /graphql_request_duration_seconds_count\{operation="Broken",type="query",outcome="error"\} 1\b/,
    );
    expect(text).toMatch(/graphql_errors_total\{code="BAD_USER_INPUT"\} \d+/);
    expect(text).toMatch(/export_requests_total\{export="kpis",format="json",status="200"\} 1\b/);
    expect(text).toMatch(/db_pool_connections\{state="in_use"\} \d+/);
    expect(text).toMatch(/db_pool_max 10\b/);
    expect(text).toMatch(/process_cpu_seconds_total/);
    // the rollups' backlog (the shared test database: a number, whatever other files left pending), webhooks, sockets
    for (const q of ['attribution_dirty', 'funnel_dirty', 'kpi_deal_dirty', 'markov_dirty', 'closing_dirty'])
      expect(text).toMatch(new RegExp(`rollup_backlog_rows\\{queue="${q}"\\} \\d+`));
    expect(text).toMatch(/webhook_deliveries_pending \d+/);
    expect(text).toMatch(/websocket_connections 0\b/);
    expect(text).toMatch(/graphql_subscriptions 0\b/);
    expect(text).toMatch(/# TYPE webhook_attempts_total counter/);
  });

  it('an access line per GraphQL request: request id, operation, outcome, status, milliseconds, principal, role, cost, statements; no token', async () => {
    lines.length = 0;
    const r = await api.gql(`query Named { me { role } }`, {}, Role.SALES, { 'x-request-id': 'ops-test-1' });
    expect(r.headers.get('x-request-id')).toBe('ops-test-1');
    const line = lines.find((l) => l.msg === 'graphql' && l.requestId === 'ops-test-1');
    expect(line).toMatchObject({
      level: 'info',
      operation: 'Named',
      type: 'query',
      outcome: 'ok',
      status: 200,
      principal: expect.any(String),
      role: 'SALES',
      cost: expect.any(Number),
      statements: expect.any(Number),
      ms: expect.any(Number),
    });
    expect(JSON.stringify(lines)).not.toContain(tokenFor(Role.SALES).split('.')[2]);
  });

  it('a refused token is logged as a failed login at either door (reason, claimed subject), never the token', async () => {
    lines.length = 0;
    const forged = `${tokenFor(Role.ADMIN).split('.').slice(0, 2).join('.')}.AAAA`;
    const r = await fetch(api.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forged}`, 'x-request-id': 'ops-test-2' },
      body: JSON.stringify({ query: '{ me { role } }' }),
    });
    expect(((await r.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const failed = lines.find((l) => l.msg === 'authentication failed' && l.requestId === 'ops-test-2');
    expect(failed).toMatchObject({
      level: 'warn',
      door: 'http',
      reason: expect.any(String),
      claimedSub: expect.any(String),
    });
    const access = lines.find((l) => l.msg === 'graphql' && l.requestId === 'ops-test-2');
    expect(access).toMatchObject({ status: r.status, path: '/graphql', method: 'POST', ms: expect.any(Number) });
    expect(access!.principal).toBeUndefined();
    expect(JSON.stringify(lines)).not.toContain(forged);
    expect(JSON.stringify(lines)).not.toContain(forged.split('.')[1]);
  });

  it('with METRICS_TOKEN set, /metrics needs it', async () => {
    expect((await metrics(secured)).status).toBe(401);
    expect((await metrics(secured, { authorization: 'Bearer metrics-token-1234' })).status).toBe(200);
  });
});
