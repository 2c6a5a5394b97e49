import type http from 'node:http';
import cors from 'cors';
import type express from 'express';
import { Config } from '../../config/config';

/** Request headers a browser front end may send: the token, JSON, idempotency, tracing, Apollo's CSRF header, read-your-writes. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'x-request-id',
  'apollo-require-preflight',
  'traceparent',
  'x-read-after-lsn',
];
/** Response headers its script may read. */
const EXPOSED_HEADERS = [
  'x-request-id',
  'retry-after',
  'idempotent-replayed',
  'content-disposition',
  'x-write-lsn',
  'x-read-from',
];

/**
 * CORS for the API's doors (/graphql, /export): only the exact origins of CORS_ORIGINS get Access-Control-Allow-*
 * headers, preflights are answered (204, cached 10 min), credentials only with CORS_CREDENTIALS=true. Any other origin
 * gets no CORS headers, so the browser keeps the response from its script. Apollo's CSRF prevention stays on behind it:
 * a "simple" cross-site request (text/plain, a form) is still refused.
 */
export function corsMiddleware(c: Config['cors']): express.RequestHandler {
  const allowed = new Set(c.origins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: c.credentials,
    methods: ['GET', 'POST'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
}

/**
 * The WebSocket door's equivalent: a browser always sends Origin on the upgrade; one that is neither the API's own
 * origin nor in CORS_ORIGINS is refused (403) before the socket opens. Clients that send no Origin (scripts) pass.
 */
export function websocketOriginAllowed(c: Config['cors'], req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (c.origins.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
