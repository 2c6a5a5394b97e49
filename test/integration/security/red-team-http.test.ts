import net from 'node:net';
import { Role } from '../../../src/common/graphql/enums';
import {
  BulkOut,
  UPSERT_ACCOUNTS,
  RECORD_DEAL_CHANGES,
  RECORD_TOUCHPOINTS,
  UPSERT_CAMPAIGNS,
  UPSERT_DEALS,
  UPSERT_LEADS,
} from '../../support/ops';
import { METRICS_TOKEN, productionConfig, startTestApi, TestApi } from '../../support/test-server';
import { testConfig, tokenFor } from '../../support/tokens';
import { unique } from '../../support/unique';
import { rawHttp } from '../../support/raw-http';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

const post = (port: number, headers: string[], body: string) =>
  rawHttp(
    port,
    [
      'POST /graphql HTTP/1.1',
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      ...headers,
      '',
      body,
    ].join('\r\n'),
  );

describe('red team, HTTP doors (requests as an attacker sends them, production configuration)', () => {
  let api: TestApi;
  let port: number;
  let base: string;
  beforeAll(async () => {
    api = await startTestApi(productionConfig({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '3000' }));
    port = api.server.port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => api.close());

  describe('3. cursors belong to their ordering', () => {
    it('a CREATED_AT cursor reused with orderBy AMOUNT, or under another list, is BAD_USER_INPUT on after', async () => {
      const p = unique('cur');
      await api.ok(
        UPSERT_DEALS,
        { input: [1, 2].map((i) => ({ externalId: `${p}-${i}`, name: 'd', amount: i })) },
        Role.REVOPS,
      );
      const { endCursor } = (await api.ok('{ deals(first: 1) { pageInfo { endCursor } } }')).deals.pageInfo;
      const reused = await api.gql(
        'query($a: String) { deals(first: 1, after: $a, orderBy: { field: AMOUNT, direction: DESC }) { nodes { id } } }',
        { a: endCursor },
      );
      expect([reused.status, reused.body.errors?.[0].extensions]).toEqual([
        200,
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }),
      ]);
      const other = await api.gql('query($a: String) { campaigns(first: 1, after: $a) { nodes { id } } }', {
        a: endCursor,
      });
      expect(other.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      const same = await api.gql('query($a: String) { deals(first: 1, after: $a) { nodes { id } } }', { a: endCursor });
      expect(same.body.errors).toBeUndefined();
    });

    it('a forged cursor whose value does not cast (text for SCORE, a nested page too) is BAD_USER_INPUT, never a 22P02', async () => {
      const p = unique('forge');
      await api.ok(UPSERT_ACCOUNTS, { input: [{ externalId: `${p}-A`, name: 'A' }] }, Role.REVOPS);
      await api.ok(
        UPSERT_LEADS,
        { input: [1, 2].map((i) => ({ externalId: `${p}-${i}`, score: i, accountExternalId: `${p}-A` })) },
        Role.SERVICE,
      );
      const { endCursor } = (
        await api.ok('{ leads(first: 1, orderBy: { field: SCORE, direction: ASC }) { pageInfo { endCursor } } }')
      ).leads.pageInfo;
      const [tag] = JSON.parse(Buffer.from(endCursor, 'base64url').toString());
      for (const forged of [
        b64([tag, 'high', '1']),
        b64([tag, '1e400', '1']),
        b64([tag, 7, '1']),
        b64([tag, '7', 'x']),
        b64([tag, '99999999999', '1']),
      ]) {
        const r = await api.gql(
          'query($a: String) { leads(first: 1, after: $a, orderBy: { field: SCORE, direction: ASC }) { nodes { id } } }',
          { a: forged },
        );
        expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
      const nested = await api.gql(
        'query($e: String!, $a: String) { accountByExternalId: accounts(first: 100) { totalCount } leadByExternalId(externalId: $e) { account { leads(first: 1, after: $a) { nodes { id } } } } }',
        { e: `${p}-1`, a: endCursor },
      );
      expect(nested.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    });
  });

  describe('4. names a client chooses never reach inherited properties', () => {
    it.each([
      '__proto__.csv',
      'constructor.json',
      'toString.csv',
      'hasOwnProperty.json',
      'valueOf.csv',
      '__defineGetter__.json',
    ])('/export/%s is a 404', async (path) => {
      const r = await fetch(`${base}/export/${path}`, {
        headers: { authorization: `Bearer ${tokenFor(Role.ANALYST)}` },
      });
      expect([r.status, ((await r.json()) as any).errors[0].extensions.code]).toEqual([404, 'NOT_FOUND']);
    });

    it.each([
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '..%2F..%2Fpackage.json',
      '%2e%2e%2fpackage.json',
    ])('/dashboard/vendor/%s is a 404 (the vendored files are a fixed table)', async (file) => {
      const r = await fetch(`${base}/dashboard/vendor/${file}`);
      expect([r.status, (await r.text()).includes('"dependencies"')]).toEqual([404, false]);
    });

    it('the vendored chart library and the reporting settings are served, the settings and nothing else', async () => {
      const lib = await fetch(`${base}/dashboard/vendor/uPlot.iife.min.js`);
      expect([
        lib.status,
        lib.headers.get('content-type'),
        (await lib.text()).startsWith('/*! https://github.com/leeoniya/uPlot'),
      ]).toEqual([200, 'text/javascript; charset=utf-8', true]);
      const settings = await fetch(`${base}/dashboard/settings.json`);
      expect(await settings.json()).toEqual({ timeZone: 'UTC', currency: 'USD' });
    });

    it.each(['constructor=1', '__proto__=x', 'toString=x', 'hasOwnProperty=from'])(
      'an export parameter %s is refused by name',
      async (q) => {
        const r = await fetch(
          `${base}/export/kpis.json?metrics=LEADS&from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z&${q}`,
          { headers: { authorization: `Bearer ${tokenFor(Role.ANALYST)}` } },
        );
        expect([r.status, ((await r.json()) as any).errors[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
      },
    );

    it('an enum value named like an inherited property is a validation error', async () => {
      const r = await fetch(
        `${base}/export/kpis.json?metrics=CONSTRUCTOR&from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z&interval=__proto__`,
        { headers: { authorization: `Bearer ${tokenFor(Role.ANALYST)}` } },
      );
      expect(r.status).toBe(400);
    });
  });

  describe('6. CSV formula injection', () => {
    it('a campaign named =HYPERLINK(…) reaches attribution.csv neutralised, and attribution.json as given', async () => {
      const p = unique('csvinj');
      const name = '=HYPERLINK("http://evil.example/x","open")';
      const day = (md: string) => `1979-${md}T12:00:00.000Z`;
      await api.ok(UPSERT_CAMPAIGNS, { input: [{ externalId: `${p}-C`, name, channel: 'EMAIL' }] }, Role.MARKETING);
      await api.ok(UPSERT_LEADS, { input: [{ externalId: `${p}-L`, createdAt: day('01-02') }] }, Role.SERVICE);
      await api.ok(
        RECORD_TOUCHPOINTS,
        {
          input: [
            {
              externalId: `${p}-T`,
              leadExternalId: `${p}-L`,
              campaignExternalId: `${p}-C`,
              type: 'EMAIL_CLICK',
              occurredAt: day('01-03'),
            },
          ],
        },
        Role.SERVICE,
      );
      await api.ok(
        UPSERT_DEALS,
        {
          input: [
            { externalId: `${p}-D`, name: '-cmd', amount: 100, leadExternalIds: [`${p}-L`], createdAt: day('01-05') },
          ],
        },
        Role.REVOPS,
      );
      await api.ok(
        RECORD_DEAL_CHANGES,
        { input: [{ dealExternalId: `${p}-D`, stage: 'WON', occurredAt: day('02-01') }] },
        Role.REVOPS,
      );
      const q = 'model=LAST_TOUCH&from=1979-01-01T00:00:00Z&to=1980-01-01T00:00:00Z';
      const csv = await (
        await fetch(`${base}/export/attribution.csv?${q}`, {
          headers: { authorization: `Bearer ${tokenFor(Role.ANALYST)}` },
        })
      ).text();
      expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/x"",""open"")"`);
      expect(csv.split('\r\n').some((line) => /(^|,)[=+\-@]/.test(line.replace(/"[^"]*"/g, '')))).toBe(false);
      const json = (await (
        await fetch(`${base}/export/attribution.json?${q}`, {
          headers: { authorization: `Bearer ${tokenFor(Role.ANALYST)}` },
        })
      ).json()) as any;
      expect(JSON.stringify(json.rows)).toContain(JSON.stringify(name).slice(1, -1));
    });
  });

  describe('7. bulk limits hold per request', () => {
    const deals = (p: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ externalId: `${p}-${i}`, name: 'x', amount: 1 }));
    it('15 aliased upsertDeals of 500 items are refused whole (7,500 > 500), and nothing is written', async () => {
      const p = unique('alias');
      const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: upsertDeals(input: $d) { successCount }`).join(' ');
      const r = await api.gql(`mutation($d: [DealInput!]!) { ${aliases} }`, { d: deals(p, 500) }, Role.REVOPS);
      expect([r.status, r.body.errors?.[0].extensions]).toEqual([
        400,
        expect.objectContaining({ code: 'BAD_USER_INPUT', limit: 'MAX_BULK_ITEMS' }),
      ]);
      expect(r.body.errors?.[0].message).toMatch(/got 7500/);
      expect(
        (await api.ok('query($e: String!) { dealByExternalId(externalId: $e) { id } }', { e: `${p}-0` }))
          .dealByExternalId,
      ).toBeNull();
    });

    it('items are counted across fields (250 + 251 refused, 250 + 250 taken) and priced one point each', async () => {
      const p = unique('split');
      const two =
        'mutation($a: [DealInput!]!, $b: [DealInput!]!) { x: upsertDeals(input: $a) { successCount } y: upsertDeals(input: $b) { successCount } }';
      const over = await api.gql(two, { a: deals(`${p}a`, 250), b: deals(`${p}b`, 251) }, Role.REVOPS);
      expect(over.body.errors?.[0].extensions?.limit).toBe('MAX_BULK_ITEMS');
      const ok = await api.gql(two, { a: deals(`${p}a`, 250), b: deals(`${p}b`, 250) }, Role.REVOPS);
      expect([ok.body.data?.x.successCount, ok.body.data?.y.successCount]).toEqual([250, 250]);
      expect(ok.body.extensions?.cost.requested).toBe(2 * (1 + 10 + 250));
    });
  });

  describe("8 and 9. one item's bad text fails that item alone, with its field", () => {
    it.each([
      ['a NUL in accountExternalId', { accountExternalId: 'acme\u0000' }, 'accountExternalId'],
      ['a NUL in ownerEmail', { ownerEmail: 'a\u0000@b.example' }, 'ownerEmail'],
      ['a NUL in leadExternalIds', { leadExternalIds: ['ok', 'bad\u0000'] }, 'leadExternalIds[1]'],
      ['a lone surrogate in name', { name: 'Acme \ud800' }, 'name'],
      ['a lone low surrogate in externalId', { externalId: 'x\udc00y' }, 'externalId'],
    ])('%s: 499 items written, that one BAD_USER_INPUT on %s', async (_what, bad, field) => {
      const p = unique('item');
      const input = Array.from({ length: 500 }, (_, i) => ({
        externalId: `${p}-${i}`,
        name: 'x',
        amount: 1,
        ...(i === 321 ? bad : {}),
      }));
      // sent as raw JSON text, as a script would: JSON.stringify writes a lone surrogate as the escape \ud800
      const r = await post(
        port,
        [`Authorization: Bearer ${tokenFor(Role.REVOPS)}`],
        JSON.stringify({ query: UPSERT_DEALS, variables: { input } }),
      );
      const out = JSON.parse(r.body).data.upsertDeals as BulkOut;
      expect([out.successCount, out.errorCount]).toEqual([499, 1]);
      expect(out.results[321].errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field })]);
    });

    it('a lone surrogate in a single write is BAD_USER_INPUT naming the variable; a raw one in a literal is a parse error', async () => {
      const r = await post(
        port,
        [`Authorization: Bearer ${tokenFor(Role.ADMIN)}`],
        '{"query":"mutation($i: ConvertLeadInput!) { convertLead(input: $i) { id } }","variables":{"i":{"leadId":"1","deal":{"externalId":"s","name":"Acme \\udfff","amount":1}}}}',
      );
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'i.deal.name' });
      const literal = await post(
        port,
        [`Authorization: Bearer ${tokenFor(Role.ADMIN)}`],
        '{"query":"{ leadByExternalId(externalId: \\"\\ud800\\") { id } }"}',
      );
      expect([literal.status, JSON.parse(literal.body).errors[0].extensions.code]).toEqual([
        400,
        'GRAPHQL_PARSE_FAILED',
      ]);
    });

    it('an undecodable body (invalid UTF-8) is a 400, never stored as U+FFFD', async () => {
      const body = Buffer.concat([
        Buffer.from('{"query":"mutation { upsertAccounts(input: [{ externalId: \\"bad-utf8\\", name: \\"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('\\" }]) { successCount } }"}'),
      ]);
      const r = await rawHttp(
        port,
        Buffer.concat([
          Buffer.from(
            [
              'POST /graphql HTTP/1.1',
              'Host: x',
              'Content-Type: application/json',
              `Content-Length: ${body.length}`,
              `Authorization: Bearer ${tokenFor(Role.ADMIN)}`,
              'Connection: close',
              '',
              '',
            ].join('\r\n'),
          ),
          body,
        ]),
      );
      expect([r.status, JSON.parse(r.body).errors[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
      expect(
        (await api.ok('{ accounts(first: 100) { nodes { externalId } } }')).accounts.nodes.map(
          (a: any) => a.externalId,
        ),
      ).not.toContain('bad-utf8');
    });
  });

  describe('10. the Authorization header', () => {
    const hs256 = (header: object) => {
      const { createHmac } = require('node:crypto') as typeof import('node:crypto');
      const now = Math.floor(Date.now() / 1000);
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', ...header })}.${b64({ sub: 'x@test.example', role: 'ADMIN', iss: testConfig.jwt.issuer, aud: testConfig.jwt.audience, iat: now, exp: now + 60 })}`;
      return `${input}.${createHmac('sha256', testConfig.jwt.secret).update(input).digest('base64url')}`;
    };
    const query = JSON.stringify({ query: '{ me { role } }' });

    it('two Authorization headers are ambiguous: 401, on /graphql, /export and /metrics', async () => {
      const two = [`Authorization: Bearer ${tokenFor(Role.ANALYST)}`, `Authorization: Bearer ${tokenFor(Role.ADMIN)}`];
      const r = await post(port, two, query);
      expect([r.status, JSON.parse(r.body).errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
      const exp = await rawHttp(
        port,
        [
          'GET /export/kpis.json?metrics=LEADS&from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z HTTP/1.1',
          'Host: x',
          'Connection: close',
          ...two,
          '',
          '',
        ].join('\r\n'),
      );
      expect(exp.status).toBe(401);
      const metrics = await rawHttp(
        port,
        [
          'GET /metrics HTTP/1.1',
          'Host: x',
          'Connection: close',
          `Authorization: Bearer ${METRICS_TOKEN}`,
          'Authorization: Bearer x',
          '',
          '',
        ].join('\r\n'),
      );
      expect(metrics.status).toBe(401);
    });

    it('the scheme in any case is accepted (RFC 7235), on /graphql and /metrics', async () => {
      for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
        const r = await post(port, [`Authorization: ${scheme} ${tokenFor(Role.ANALYST)}`], query);
        expect([r.status, JSON.parse(r.body).data.me.role]).toEqual([200, 'ANALYST']);
      }
      expect((await fetch(`${base}/metrics`, { headers: { authorization: `bearer ${METRICS_TOKEN}` } })).status).toBe(
        200,
      );
    });

    it('a token with a crit header is refused (RFC 7515 §4.1.11); the same token without it is taken', async () => {
      const r = await post(port, [`Authorization: Bearer ${hs256({ crit: ['b64'], b64: false })}`], query);
      expect([r.status, JSON.parse(r.body).errors[0].message]).toEqual([401, expect.stringMatching(/crit/)]);
      expect((await post(port, [`Authorization: Bearer ${hs256({})}`], query)).status).toBe(200);
    });
  });

  describe('slow and abusive clients', () => {
    it('120 slowloris connections (headers never finished) are closed after the headers timeout; the API answers meanwhile', async () => {
      const sockets = Array.from({ length: 120 }, () => net.connect(port, '127.0.0.1'));
      const closedAt: number[] = [];
      const t = Date.now();
      await Promise.all(
        sockets
          .map(
            (s) =>
              new Promise<void>((resolve) => {
                s.on('error', () => undefined);
                s.on('connect', () => s.write('POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: '));
                s.on('close', () => {
                  closedAt.push(Date.now() - t);
                  resolve();
                });
                const drip = setInterval(() => (s.writable ? s.write('a') : clearInterval(drip)), 200);
                s.on('close', () => clearInterval(drip));
              }),
          )
          .concat([
            (async () => {
              expect((await api.gql('{ me { role } }', {}, Role.ANALYST)).body.data?.me.role).toBe('ANALYST');
            })(),
          ]),
      );
      expect(closedAt).toHaveLength(120);
      expect(Math.max(...closedAt)).toBeLessThan(4000);
    });

    it('a duplicated-field bomb says which limit it hit', async () => {
      const r = await api.gql(
        `{ ${Array.from({ length: 150 }, (_, i) => `deals(first: ${i + 1}) { totalCount }`).join(' ')} }`,
      );
      expect(r.status).toBe(400);
      const last = r.body.errors!.at(-1)!;
      expect(last.message).toMatch(/limit of errors reported per request/);
      expect(last.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_VALIDATION_ERRORS' });
      expect(JSON.stringify(r.body)).not.toMatch(/Validation aborted/);
    });

    it('setKpiTargets reports an end before the start on periodEnd', async () => {
      const r = await api.gql('mutation($i: [KpiTargetInput!]!) { setKpiTargets(input: $i) { id } }', {
        i: [{ metric: 'LEADS', periodStart: '2025-02-01T00:00:00Z', periodEnd: '2025-01-01T00:00:00Z', target: 1 }],
      });
      expect(r.body.errors?.[0]).toMatchObject({
        message: 'input[0].periodEnd must be after periodStart',
        extensions: { code: 'BAD_USER_INPUT', field: 'periodEnd' },
      });
    });
  });
});

describe('the connection cap', () => {
  it('sockets over HTTP_MAX_CONNECTIONS are closed at once; those under it are served', async () => {
    const api = await startTestApi(productionConfig({ HTTP_MAX_CONNECTIONS: '20' }));
    const held = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(api.server.port, '127.0.0.1', () => resolve(s));
            s.on('error', () => undefined);
          }),
      ),
    );
    try {
      const extra = net.connect(api.server.port, '127.0.0.1');
      extra.on('error', () => undefined);
      const closed = await new Promise<boolean>((resolve) => {
        extra.on('close', () => resolve(true));
        setTimeout(() => resolve(false), 2000);
      });
      expect(closed).toBe(true);
    } finally {
      held.forEach((s) => s.destroy());
      await api.close();
    }
  });
});
