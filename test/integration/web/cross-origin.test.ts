import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { Browser, chromium } from 'playwright-core';
import { Role } from '../../../src/common/graphql/enums';
import { loadConfig } from '../../../src/config/config';
import { startTestApi, TestApi } from '../../support/test-server';
import { testConfig, tokenFor } from '../../support/tokens';
import { rawHttp } from '../../support/raw-http';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = fs.existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A front end's own origin: a page server on its own port. */
function pageServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>front end</title><p>front end</p>');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

/** A raw request (headers as lines, then the body), answered as the status line and headers, then the body. */
const raw = async (port: number, lines: string[], body = '') => {
  const r = await rawHttp(
    port,
    [...lines, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n'),
  );
  return `${r.head}\r\n\r\n${r.body}`;
};

describe('front ends on another origin (CORS_ORIGINS)', () => {
  let api: TestApi;
  let allowed: { origin: string; close: () => Promise<void> };
  let other: { origin: string; close: () => Promise<void> };
  let apiOrigin: string;
  beforeAll(async () => {
    allowed = await pageServer();
    other = await pageServer();
    api = await startTestApi(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        JWT_SECRET: testConfig.jwt.secret,
        LOG_LEVEL: 'silent',
        CORS_ORIGINS: `${allowed.origin}, https://app.example.com`,
      }),
    );
    apiOrigin = `http://localhost:${api.server.port}`;
  });
  afterAll(async () => {
    await api.close();
    await allowed.close();
    await other.close();
  });

  it('a preflight from an allowed origin is answered (204) with the headers a front end needs; another origin gets none', async () => {
    const preflight = (origin: string) =>
      raw(api.server.port, [
        'OPTIONS /graphql HTTP/1.1',
        'Host: x',
        `Origin: ${origin}`,
        'Access-Control-Request-Method: POST',
        'Access-Control-Request-Headers: authorization, content-type, idempotency-key',
      ]);
    const ok = await preflight(allowed.origin);
    expect(ok).toMatch(/^HTTP\/1\.1 204/);
    expect(ok).toMatch(new RegExp(`access-control-allow-origin: ${allowed.origin}\\r\\n`, 'i'));
    expect(ok).toMatch(/access-control-allow-headers: [^\r]*authorization[^\r]*idempotency-key/i);
    expect(ok).toMatch(/access-control-allow-methods: GET,POST/i);
    expect(ok).not.toMatch(/access-control-allow-credentials/i); // credentials are off by default
    const refused = await preflight(other.origin);
    expect(refused).not.toMatch(/access-control-allow-origin/i);
  });

  it('CSRF prevention stays on: a "simple" text/plain POST from the allowed origin is still refused', async () => {
    const body = '{"query":"{ me { role } }"}';
    const r = await raw(
      api.server.port,
      [
        'POST /graphql HTTP/1.1',
        'Host: x',
        `Origin: ${allowed.origin}`,
        'Content-Type: text/plain',
        `Authorization: Bearer ${tokenFor(Role.ANALYST)}`,
      ],
      body,
    );
    expect(r).toMatch(/^HTTP\/1\.1 400/);
  });

  it('CORS_ORIGINS takes exact origins only', () => {
    for (const bad of [
      '*',
      'https://*.example.com',
      'https://app.example.com/path',
      'ftp://x.example.com',
      'app.example.com',
    ]) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS must list exact origins/);
    }
    expect(
      loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173', CORS_CREDENTIALS: 'true' }).cors,
    ).toEqual({
      origins: ['https://a.example.com', 'http://localhost:5173'],
      credentials: true,
    });
  });

  (haveBrowser ? describe : describe.skip)('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => (browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })));
    afterAll(() => browser.close());

    /** Runs fetch and a WebSocket from a page of `origin` against the API, as a front end's own script would. */
    const fromPage = async (origin: string) => {
      const page = await browser.newPage();
      await page.goto(origin);
      const result = await page.evaluate(
        async ({ api, token }) => {
          const http = await fetch(`${api}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: '{ me { role } }' }),
          }).then(
            async (r) => ({
              ok: true,
              role: ((await r.json()) as { data: { me: { role: string } } }).data.me.role,
              requestId: r.headers.get('x-request-id'),
            }),
            (e: Error) => ({ ok: false, error: e.name }),
          );
          const socket = await new Promise<string>((resolve) => {
            const ws = new WebSocket(`${api.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
            ws.onopen = () =>
              ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
            ws.onmessage = (m) => {
              resolve(JSON.parse(String(m.data)).type);
              ws.close();
            };
            ws.onerror = () => resolve('error');
          });
          return { http, socket };
        },
        { api: apiOrigin, token: tokenFor(Role.ANALYST) },
      );
      await page.close();
      return result;
    };

    it('the allowed origin calls the API over HTTP and WebSocket, and reads the exposed x-request-id', async () => {
      const r = await fromPage(allowed.origin);
      expect(r.http).toMatchObject({ ok: true, role: 'ANALYST' });
      expect((r.http as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.socket).toBe('connection_ack');
    });

    it('another origin is blocked by the browser (no CORS headers) and its socket is refused', async () => {
      const r = await fromPage(other.origin);
      expect(r.http).toEqual({ ok: false, error: 'TypeError' });
      expect(r.socket).toBe('error');
    });
  });
});
