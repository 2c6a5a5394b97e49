import fs from 'node:fs/promises';
import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { logger } from '../log/logger';

/** The verification keys of one deployment, with exactly one algorithm (RFC 8725 §3.1). */
export interface KeyStore {
  readonly algorithm: 'HS256' | 'RS256';
  /** The key for a token's `kid` (ignored for HS256); null when unknown. */
  keyFor(kid: string | undefined): Promise<KeyObject | string | null>;
}

export const KID = /^[A-Za-z0-9_-]{1,64}$/;

export function hmacKeys(secret: string): KeyStore {
  // a KeyObject once: given a string, jsonwebtoken builds one on every verify (≈ 8 % of a request's CPU)
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return { algorithm: 'HS256', keyFor: async () => key };
}

interface Jwk {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
}

/**
 * RS256 keys from a JWKS file or URL, by `kid`. Keys that are not RSA, not for signatures, or under 2048 bits are
 * dropped when the set is loaded. An unknown `kid` triggers at most one reload per `refreshSeconds` (key rotation:
 * publish the new key, then sign with it) and the whole set is re-read after 10 × refreshSeconds (retire the old key
 * after its last token expired); `jku`/`x5u` in tokens are never followed.
 */
export function jwksKeys(
  source: { file?: string | null; url?: string | null },
  refreshSeconds = 60,
  now = Date.now,
): KeyStore {
  let keys = new Map<string, KeyObject>();
  let loadedAt = -Infinity;
  let loading: Promise<void> | null = null;

  const read = async (): Promise<{ keys?: Jwk[] }> => {
    if (source.file) return JSON.parse(await fs.readFile(source.file, 'utf8'));
    const res = await fetch(source.url!, { signal: AbortSignal.timeout(3000), redirect: 'error' });
    if (!res.ok) throw new Error(`JWKS fetch failed: HTTP ${res.status}`);
    return (await res.json()) as { keys?: Jwk[] };
  };
  const load = async () => {
    loadedAt = now();
    try {
      const next = new Map<string, KeyObject>();
      for (const jwk of (await read()).keys ?? []) {
        if (
          jwk.kty !== 'RSA' ||
          !jwk.kid ||
          !KID.test(jwk.kid) ||
          (jwk.alg && jwk.alg !== 'RS256') ||
          (jwk.use && jwk.use !== 'sig')
        )
          continue;
        const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
        if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
          logger.warn('JWKS key under 2048 bits ignored', { kid: jwk.kid });
          continue;
        }
        next.set(jwk.kid, key);
      }
      keys = next;
    } catch (err) {
      logger.warn('JWKS could not be loaded; keeping the previous keys', { err });
    }
  };
  return {
    algorithm: 'RS256',
    async keyFor(kid) {
      if (!kid || !KID.test(kid)) return null;
      const age = now() - loadedAt;
      // an unknown kid reloads at most once per refreshSeconds; the set is re-read anyway after 10 × refreshSeconds,
      // so a retired key stops verifying
      if ((!keys.has(kid) && age >= refreshSeconds * 1000) || age >= 10 * refreshSeconds * 1000) {
        loading ??= load().finally(() => (loading = null));
        await loading;
      }
      return keys.get(kid) ?? null;
    },
  };
}

/** The key store of a configuration: JWKS (RS256) when a file or URL is set, the HS256 secret otherwise. */
export function keyStoreFor(c: {
  secret: string;
  jwksFile: string | null;
  jwksUrl: string | null;
  jwksRefreshSeconds: number;
}): KeyStore {
  return c.jwksFile || c.jwksUrl
    ? jwksKeys({ file: c.jwksFile, url: c.jwksUrl }, c.jwksRefreshSeconds)
    : hmacKeys(c.secret);
}
