import fs from 'node:fs/promises';
import { createSecretKey, KeyObject, webcrypto } from 'node:crypto';
import { importJWK, JWK } from 'jose';
import { logger } from '../log/logger';

type CryptoKey = webcrypto.CryptoKey;

/** The algorithms a JWKS deployment may choose (one of them: JWT_ALGORITHM). */
export const JWKS_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type JwksAlgorithm = (typeof JWKS_ALGORITHMS)[number];

/** The verification keys of one deployment, with exactly one algorithm (RFC 8725 §3.1). */
export interface KeyStore {
  readonly algorithm: 'HS256' | JwksAlgorithm;
  /** The key for a token's `kid` (ignored for HS256); null when unknown. */
  keyFor(kid: string | undefined): Promise<KeyObject | CryptoKey | null>;
}

/** The key type (and curve) each algorithm's keys must have in the set. */
const KEY_TYPE: Record<JwksAlgorithm, (jwk: JWK) => boolean> = {
  RS256: (k) => k.kty === 'RSA',
  PS256: (k) => k.kty === 'RSA',
  ES256: (k) => k.kty === 'EC' && k.crv === 'P-256',
  EdDSA: (k) => k.kty === 'OKP' && k.crv === 'Ed25519',
};

export const KID = /^[A-Za-z0-9_-]{1,64}$/;

export function hmacKeys(secret: string): KeyStore {
  // a KeyObject once: given a string, jsonwebtoken builds one on every verify (≈ 8 % of a request's CPU)
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return { algorithm: 'HS256', keyFor: async () => key };
}

/**
 * The deployment's keys from a JWKS file or URL, by `kid`, imported by jose (RSA for RS256/PS256, P-256 for ES256,
 * Ed25519 for EdDSA). Keys of another type or algorithm, not for signatures, or RSA under 2048 bits are dropped when
 * the set is loaded. An unknown `kid` triggers at most one reload per `refreshSeconds` (key rotation:
 * publish the new key, then sign with it) and the whole set is re-read after 10 × refreshSeconds (retire the old key
 * after its last token expired); `jku`/`x5u` in tokens are never followed.
 */
export function jwksKeys(
  source: { file?: string | null; url?: string | null },
  refreshSeconds = 60,
  now = Date.now,
  algorithm: JwksAlgorithm = 'RS256',
): KeyStore {
  let keys = new Map<string, CryptoKey>();
  let loadedAt = -Infinity;
  let loading: Promise<void> | null = null;

  const read = async (): Promise<{ keys?: JWK[] }> => {
    if (source.file) return JSON.parse(await fs.readFile(source.file, 'utf8'));
    const res = await fetch(source.url!, { signal: AbortSignal.timeout(3000), redirect: 'error' });
    if (!res.ok) throw new Error(`JWKS fetch failed: HTTP ${res.status}`);
    return (await res.json()) as { keys?: JWK[] };
  };
  const load = async () => {
    loadedAt = now();
    try {
      const next = new Map<string, CryptoKey>();
      for (const jwk of (await read()).keys ?? []) {
        if (
          !KEY_TYPE[algorithm](jwk) ||
          !jwk.kid ||
          !KID.test(jwk.kid) ||
          (jwk.alg && jwk.alg !== algorithm) ||
          (jwk.use && jwk.use !== 'sig') ||
          'd' in jwk // a private key has no place in a published set
        )
          continue;
        let key: CryptoKey;
        try {
          key = (await importJWK({ ...jwk, alg: algorithm }, algorithm)) as CryptoKey;
        } catch (err) {
          logger.warn('JWKS key that does not import ignored', { kid: jwk.kid, err });
          continue; // one bad key never costs the others
        }
        const bits = (key.algorithm as webcrypto.RsaHashedKeyAlgorithm).modulusLength;
        if (bits !== undefined && bits < 2048) {
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
    algorithm,
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

/** The key store of a configuration: JWKS (JWT_ALGORITHM) when a file or URL is set, the HS256 secret otherwise. */
export function keyStoreFor(c: {
  secret: string;
  jwksFile: string | null;
  jwksUrl: string | null;
  jwksRefreshSeconds: number;
  algorithm: JwksAlgorithm;
}): KeyStore {
  return c.jwksFile || c.jwksUrl
    ? jwksKeys({ file: c.jwksFile, url: c.jwksUrl }, c.jwksRefreshSeconds, Date.now, c.algorithm)
    : hmacKeys(c.secret);
}
