import { BI_READER_TEST_PASSWORD } from '../../support/bi-example';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Role } from '../../../src/common/graphql/enums';
import { buildToTemp, builtServiceEnv, ROOT } from '../../support/built-service';
import { scratchDatabase } from '../../support/scratch-db';
import { testConfig, tokenFor } from '../../support/tokens';

/**
 * OpenTelemetry as an operator turns it on: the production build started with OTEL_EXPORTER_OTLP_ENDPOINT pointing at
 * a collector (here an OTLP/HTTP receiver in this process). A request that arrives with a W3C `traceparent` yields one
 * trace, continuing the caller's, with spans for the HTTP request, the GraphQL operation and its SQL statements; the
 * statements' parameters are not recorded. (In a real process: jest's module loader is not Node's, so the SDK's
 * require hooks could not patch anything inside a test.)
 */
jest.setTimeout(180_000);

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

describe('OpenTelemetry tracing (OTLP/HTTP)', () => {
  const spans: OtlpSpan[] = [];
  let collector: http.Server;
  let service: ChildProcess | null = null;
  let drop: () => Promise<void>;
  let url: string;
  let dist: string;

  beforeAll(async () => {
    dist = buildToTemp();
    collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += String(c)));
      req.on('end', () => {
        if (req.url === '/v1/traces' && (req.headers['content-type'] ?? '').includes('json')) {
          const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
          for (const r of doc.resourceSpans) for (const s of r.scopeSpans) spans.push(...s.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const collectorPort = (collector.address() as net.AddressInfo).port;
    const db = await scratchDatabase('funnel_tracing');
    drop = db.drop;
    await db.ds.destroy();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = spawn(process.execPath, [path.join(dist, 'src', 'main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...builtServiceEnv,
        NODE_ENV: 'production',
        PORT: String(port),
        DATABASE_URL: db.url,
        JWT_SECRET: testConfig.jwt.secret,
        LOG_LEVEL: 'error',
        // the bi_reader role is the whole server's: the tests' one password, never NOLOGIN under another file's feet
        BI_READER_PASSWORD: BI_READER_TEST_PASSWORD,
        METRICS_PUBLIC: 'true',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    service.stdout!.on('data', (d) => (output += String(d)));
    service.stderr!.on('data', (d) => (output += String(d)));
    for (let i = 0; i < 300 && service.exitCode === null; i++) {
      const ok = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the service did not become ready: ${output}`);
  });
  afterAll(async () => {
    if (service && service.exitCode === null) {
      const exited = new Promise((r) => service!.once('exit', r));
      service.kill('SIGTERM');
      await exited;
    }
    collector?.close();
    await drop?.();
    if (dist) fs.rmSync(dist, { recursive: true, force: true });
  });

  it('one trace per request, continuing the caller’s traceparent: HTTP, GraphQL and SQL spans, no SQL parameters', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const r = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenFor(Role.ANALYST)}`,
        traceparent: `00-${traceId}-${parent}-01`,
      },
      body: JSON.stringify({
        query: 'query Traced { deals(first: 3, filter: { search: "secret-needle" }) { totalCount } }',
      }),
    });
    expect(r.status).toBe(200);
    const ours = () => spans.filter((s) => s.traceId === traceId);
    // spans are exported as they end, the server span last: wait for all three kinds
    const complete = () =>
      ours().some((s) => s.parentSpanId === parent) &&
      ours().some((s) => /graphql/i.test(s.name)) &&
      ours().some((s) => /^pg\./.test(s.name));
    for (let i = 0; i < 100 && !complete(); i++) await new Promise((res) => setTimeout(res, 100));
    const names = ours().map((s) => s.name);
    const server = ours().find((s) => s.parentSpanId === parent);
    expect(server).toBeDefined(); // the HTTP server span continues the caller's
    expect(names.some((n) => /graphql|Traced/i.test(n))).toBe(true);
    expect(names.some((n) => /pg|postgres|SELECT/i.test(n))).toBe(true);
    // every span of the request hangs under the server span (one tree)
    const ids = new Set(ours().map((s) => s.spanId));
    for (const s of ours()) expect(s === server || ids.has(s.parentSpanId!)).toBe(true);
    expect(JSON.stringify(ours())).not.toContain('secret-needle');
  });
});
