import jwt from 'jsonwebtoken';
import { Role } from '../graphql/enums';
import { AppError } from '../errors/app-error';
import { Viewer } from './viewer';

export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
}

const ROLES = new Set<string>(Object.values(Role));
const unauthenticated = (why: string) => new AppError('UNAUTHENTICATED', why);

/** Verifies a bearer token: HS256 only, issuer and audience checked, exp required, sub and role claims present. */
export function verifyToken(token: string, s: JwtSettings): Viewer {
  let payload: jwt.JwtPayload | string;
  try {
    payload = jwt.verify(token, s.secret, {
      algorithms: ['HS256'],
      issuer: s.issuer,
      audience: s.audience,
      clockTolerance: 30,
    });
  } catch (err) {
    const name = (err as Error).name;
    throw unauthenticated(name === 'TokenExpiredError' ? 'Token has expired' : 'Token is not valid');
  }
  if (typeof payload === 'string') throw unauthenticated('Token is not valid');
  if (typeof payload.exp !== 'number') throw unauthenticated('Token has no expiry (exp)');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated('Token has no subject (sub)');
  if (typeof payload.role !== 'string' || !ROLES.has(payload.role)) throw unauthenticated('Token has no valid role claim');
  return { sub: payload.sub, role: payload.role as Role };
}

export function signToken(viewer: Viewer, s: JwtSettings, expiresInSeconds = 3600): string {
  return jwt.sign({ role: viewer.role }, s.secret, {
    algorithm: 'HS256',
    subject: viewer.sub,
    issuer: s.issuer,
    audience: s.audience,
    expiresIn: expiresInSeconds,
  });
}

/** Reads `Authorization: Bearer <token>`; null when absent. A malformed header is an authentication failure. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const m = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/.exec(header.trim());
  if (!m) throw unauthenticated('Authorization header must be "Bearer <JWT>"');
  return m[1];
}
