import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on 127.0.0.1 for tests: records the requests about the records `mine` recognises (other test
 * files' changes reach every endpoint of the shared database too; those get a 200 and are not recorded); `answer`
 * decides the reply to each recorded one (a status, or 'hang' to hold the request open, as a receiver that never
 * answers).
 */
export async function startReceiver(
  mine: (externalId: string) => boolean,
  answer: (n: number, r: Received) => number | 'hang' = () => 200,
) {
  const received: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      let externalId = '';
      try {
        externalId = String(JSON.parse(r.body).data?.externalId ?? '');
      } catch {
        // not JSON: recorded, so the test sees it
      }
      if (externalId && !mine(externalId)) return void res.writeHead(200).end();
      received.push(r);
      for (const w of waiters.filter((x) => received.length >= x.n)) w.resolve();
      const a = answer(received.length, r);
      if (a === 'hang') hanging.push(res);
      else res.writeHead(a).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    /** Resolves once n requests have arrived. */
    waitFor(n: number, timeoutMs = 30_000): Promise<void> {
      if (received.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`only ${received.length} of ${n} webhooks arrived`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Standard Webhooks verification written out from the spec (not the library the service signs with): the secret
 * after whsec_ is base64 key bytes; v1 = base64 HMAC-SHA256 over "{id}.{timestamp}.{body}"; any listed v1 may match.
 */
export function verifySignature(secret: string, r: Received): boolean {
  const id = String(r.headers['webhook-id']);
  const ts = String(r.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest();
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((s) => {
      const [v, sig] = s.split(',');
      const got = Buffer.from(sig ?? '', 'base64');
      return v === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
    });
}
