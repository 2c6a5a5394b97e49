import jwt from 'jsonwebtoken';
import { decodeJwt, decodeProtectedHeader, errors, JWTPayload, jwtVerify, ProtectedHeaderParameters } from 'jose';
import { Role } from '../graphql/enums';
import { AppError } from '../errors/app-error';
import { KeyStore } from './keys';
import { Viewer } from './viewer';
import { logger } from '../log/logger';

export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
  /** Longest accepted exp − iat, in seconds. */
  maxLifetimeSeconds: number;
}

/** Access tokens are explicitly typed (RFC 8725 §3.11, RFC 9068): an id token or other JWT is not one of ours. */
export const TOKEN_TYPE = 'at+jwt';
const TYPES = new Set([TOKEN_TYPE, `application/${TOKEN_TYPE}`]);
const SKEW_SECONDS = 30;
const ROLES = new Set<string>(Object.values(Role));
const unauthenticated = (why: string) => new AppError('UNAUTHENTICATED', why);

/**
 * Verifies a bearer token (RFC 8725): the deployment's one algorithm, `typ` at+jwt, issuer and audience, exp and iat
 * required, iat not in the future and nbf honoured (30 s skew), lifetime at most maxLifetimeSeconds, sub and a known
 * role. RS256 keys come by `kid` from the key store (JWKS). Every failure is UNAUTHENTICATED.
 */
export async function verifyToken(
  token: string,
  s: JwtSettings,
  keys: KeyStore,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<Viewer> {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw unauthenticated('Token is not valid');
  }
  if (header.alg !== keys.algorithm) throw unauthenticated('Token is not valid');
  if (typeof header.typ !== 'string' || !TYPES.has(header.typ.toLowerCase()))
    throw unauthenticated('Token type must be at+jwt');
  // RFC 7515 §4.1.11: a token naming critical header parameters must be refused by anyone who does not understand
  // them, and this API understands none
  if (Object.hasOwn(header, 'crit'))
    throw unauthenticated('Token has critical header parameters (crit) this API does not understand');
  const key = await keys.keyFor(header.kid);
  if (!key) throw unauthenticated('Token is not valid');
  let payload: JWTPayload;
  try {
    // jose: the signature with the deployment's one algorithm, issuer, audience, exp and nbf (with the skew)
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [keys.algorithm],
      issuer: s.issuer,
      audience: s.audience,
      clockTolerance: SKEW_SECONDS,
      currentDate: new Date(nowSeconds * 1000),
    }));
  } catch (err) {
    throw unauthenticated(
      (err as { code?: string }).code === errors.JWTExpired.code ? 'Token has expired' : 'Token is not valid',
    );
  }
  if (!Number.isInteger(payload.exp)) throw unauthenticated('Token has no expiry (exp)');
  if (!Number.isInteger(payload.iat)) throw unauthenticated('Token has no issue time (iat)');
  if (payload.iat! > nowSeconds + SKEW_SECONDS) throw unauthenticated('Token is issued in the future');
  if (payload.exp! - payload.iat! > s.maxLifetimeSeconds)
    throw unauthenticated(`Token lives longer than ${s.maxLifetimeSeconds} s`);
  if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 320)
    throw unauthenticated('Token has no subject (sub)');
  if (typeof payload.role !== 'string' || !ROLES.has(payload.role))
    throw unauthenticated('Token has no valid role claim');
  return { sub: payload.sub, role: payload.role as Role };
}

/**
 * Signs an HS256 access token (development, tests, `npm run token`); lifetime capped by the settings. jsonwebtoken,
 * not jose: its synchronous sign serves the token CLI and every test's token helper; verification is jose's.
 */
export function signToken(viewer: Viewer, s: JwtSettings & { secret: string }, expiresInSeconds = 3600): string {
  return jwt.sign({ role: viewer.role }, s.secret, {
    algorithm: 'HS256',
    header: { alg: 'HS256', typ: TOKEN_TYPE },
    subject: viewer.sub,
    issuer: s.issuer,
    audience: s.audience,
    expiresIn: Math.min(expiresInSeconds, s.maxLifetimeSeconds),
  });
}

/** The credential of `Authorization: Bearer <credential>` (the scheme case-insensitive, RFC 7235 §2.1), or null. */
export function bearerCredential(header: string | undefined): string | null {
  return /^Bearer +(\S+)$/i.exec(header?.trim() ?? '')?.[1] ?? null;
}

const JWT_SHAPE = /^[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*$/;

/** Reads `Authorization: Bearer <JWT>`; null when absent. A malformed header is an authentication failure. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const token = bearerCredential(header);
  if (!token || !JWT_SHAPE.test(token)) throw unauthenticated('Authorization header must be "Bearer <JWT>"');
  return token;
}

/**
 * verifyToken behind a small cache of tokens that passed: a client sends the same token on every request, and the
 * signature check, base64 and JSON decoding were the largest fixed cost per request after the body parser. A hit
 * is honoured until the token's own `exp` (plus the skew verifyToken allows) and never longer than `ttlSeconds`
 * after it was verified, so a key taken out of the JWKS stops working within that time. Failures are never cached.
 */
export function cachedVerifier(s: JwtSettings, keys: KeyStore, ttlSeconds = 60, max = 10_000) {
  const hits = new Map<string, { viewer: Viewer; until: number }>();
  return async (token: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<Viewer> => {
    const hit = hits.get(token);
    if (hit && nowSeconds < hit.until) return hit.viewer;
    if (hit) hits.delete(token);
    const viewer = await verifyToken(token, s, keys, nowSeconds);
    const exp = decodeJwt(token).exp!;
    if (hits.size >= max) hits.delete(hits.keys().next().value!);
    hits.set(token, { viewer, until: Math.min(exp + SKEW_SECONDS, nowSeconds + ttlSeconds) });
    return viewer;
  };
}

/**
 * A verifier that logs each token it refuses (a failed login: the door, the reason, the token's claimed subject and
 * issuer when it decodes — never the token itself), at warn level, and rethrows.
 */
export function loggingFailures(verify: (token: string) => Promise<Viewer>, door: 'http' | 'websocket') {
  return async (token: string): Promise<Viewer> => {
    try {
      return await verify(token);
    } catch (err) {
      let claims: JWTPayload | null = null;
      try {
        claims = decodeJwt(token);
      } catch {
        // not even a JWT: nothing to name
      }
      logger.warn('authentication failed', {
        door,
        reason: err instanceof Error ? err.message : String(err),
        claimedSub: typeof claims?.sub === 'string' ? claims.sub.slice(0, 200) : undefined,
        claimedIss: typeof claims?.iss === 'string' ? claims.iss.slice(0, 200) : undefined,
      });
      throw err;
    }
  };
}

/**
 * The one Authorization header of an HTTP request (undefined when there is none). Node keeps only the first of
 * repeated Authorization headers; two of them are ambiguous (which credential is meant?), so they are refused.
 */
export function authorizationHeader(req: { rawHeaders: string[] }): string | undefined {
  let value: string | undefined;
  let seen = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() !== 'authorization') continue;
    seen++;
    value = req.rawHeaders[i + 1];
  }
  if (seen > 1) throw unauthenticated('Send one Authorization header, not several');
  return value;
}
