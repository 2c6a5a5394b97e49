import http from 'node:http';

/** Closed-loop load: `concurrency` workers call `fn` back to back until the time is up (at least minRequests). */
export interface LoadResult {
  requests: number;
  errors: number;
  ms: number;
  latencies: number[];
}

export async function closedLoop(
  fn: () => Promise<boolean>,
  concurrency: number,
  durationMs: number,
  minRequests = 1,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline || latencies.length + errors < minRequests) {
      const t = performance.now();
      const ok = await fn().catch(() => false);
      if (ok) latencies.push(performance.now() - t);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requests: latencies.length, errors, ms: performance.now() - started, latencies };
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const median = (xs: number[]) => percentile(xs, 50);

/**
 * One keep-alive agent for every server under test. Requests go through node:http rather than fetch: fetch (undici's
 * WHATWG layer) cost ~0.55 ms more per request on this machine (`{ __typename }`: 1.22-1.34 ms against 0.68-0.77 ms),
 * client time that would be counted as the service's overhead over raw SQL. Both servers get the same client.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a GraphQL document; true when the response has data and no errors. */
export function postGraphQL(
  url: string,
  query: string,
  headers: Record<string, string> = {},
  variables?: Record<string, unknown>,
): Promise<{ ok: boolean; status: number; headers: http.IncomingHttpHeaders; body: any }> {
  const u = new URL(url);
  const payload = JSON.stringify(variables ? { query, variables } : { query });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname === 'localhost' ? '127.0.0.1' : u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: unknown; errors?: unknown };
            const status = res.statusCode ?? 0;
            resolve({
              ok: status >= 200 && status < 300 && !body.errors && !!body.data,
              status,
              headers: res.headers,
              body,
            });
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Closes the idle keep-alive sockets (at the end of a run). */
export const closeClients = () => agent.destroy();

/** The value of a `--name value` command-line option, or the fallback. */
export const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
