import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { badInput } from '../../common/errors/app-error';

/**
 * Where a webhook may go (SSRF): http(s) URLs without credentials, to public unicast addresses only, unless private
 * targets are allowed (WEBHOOK_ALLOW_PRIVATE). The name is resolved at every delivery and the connection is made to
 * the address that was checked (no second lookup an attacker's DNS could answer differently); redirects are not
 * followed (a 3xx is a failed attempt).
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean, field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput('url is not a valid URL', field);
  }
  if (raw.length > 2048) throw badInput('url is longer than 2048 characters', field);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput('url must be http or https', field);
  if (url.username || url.password) throw badInput('url must not carry credentials', field);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) && !allowPrivate && !isPublic(host))
    throw badInput('url points at a private, loopback or reserved address', field);
  if (!allowPrivate && /^(localhost|.*\.localhost|.*\.local|.*\.internal)$/i.test(host))
    throw badInput('url points at a local host name', field);
  return url;
}

/** A public unicast address (not private, loopback, link-local, CGNAT, multicast, reserved, or v4-mapped of those). */
export function isPublic(address: string): boolean {
  let a = ipaddr.parse(address);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return a.range() === 'unicast';
}

export interface PostResult {
  status: number | null;
  error: string | null;
  ms: number;
}

/** POSTs one webhook: resolves and checks the target, connects to that address, waits at most timeoutMs. */
export async function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  opts: { allowPrivate: boolean; timeoutMs: number },
): Promise<PostResult> {
  const started = Date.now();
  const done = (status: number | null, error: string | null): PostResult => ({
    status,
    error,
    ms: Date.now() - started,
  });
  let url: URL;
  let address: { address: string; family: number };
  try {
    url = checkWebhookUrl(target, opts.allowPrivate);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const found = net.isIP(host)
      ? [{ address: host, family: net.isIP(host) }]
      : await dns.lookup(host, { all: true, verbatim: true });
    const allowed = found.filter((f) => opts.allowPrivate || isPublic(f.address));
    if (!allowed.length) return done(null, `blocked: ${host} resolves to no public address`);
    address = allowed[0];
  } catch (e) {
    return done(null, (e as Error).message);
  }
  return new Promise((resolve) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        // connect to the address that was checked; TLS still verifies the certificate for the URL's host name
        lookup: (_host, options, cb) => {
          if ((options as { all?: boolean }).all)
            (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [address]);
          else (cb as (e: null, a: string, f: number) => void)(null, address.address, address.family);
        },
        timeout: opts.timeoutMs,
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        res.resume(); // the receiver's body is not kept
        res.on('end', () => resolve(done(res.statusCode ?? null, null)));
        res.on('error', (e) => resolve(done(res.statusCode ?? null, e.message)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (e) =>
      resolve(done(null, e.name === 'AbortError' ? `no answer within ${opts.timeoutMs} ms` : e.message)),
    );
    req.end(body);
  });
}
