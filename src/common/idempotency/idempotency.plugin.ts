import { createHash } from 'node:crypto';
import { ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { DataSource } from 'typeorm';
import { Context } from '../../context';
import { currentScope } from '../request/request-scope';
import { claimKey, completeKey, purgeExpiredKeys, releaseKey } from './idempotency.repository';

const KEY = /^[\x21-\x7e]{8,255}$/;
/** Errors that mean nothing was done: the key is released so that a corrected or later retry may use it. */
const NOTHING_DONE = new Set([
  'BAD_USER_INPUT',
  'INTERNAL_SERVER_ERROR',
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);
const PURGE_EVERY = 200;

/** Same operation and variables, whatever the key order in the JSON: sha256 of a canonical form. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}
const requestHash = (query: string, operationName: string | undefined, variables: unknown) =>
  createHash('sha256')
    .update(JSON.stringify([query, operationName ?? null, canonical(variables ?? {})]))
    .digest('hex');

const error = (message: string, code: string, status: number, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra, http: { status } } });

/**
 * `Idempotency-Key` on mutations (Stripe's design): the first request with a key claims it for its principal, and
 * its response is stored; the same key with the same body replays that response (header idempotent-replayed: true);
 * with another body → IDEMPOTENCY_KEY_REUSED (422); while the first is still running → CONFLICT (409, retryable).
 * Requests refused before doing anything keep no key. Keys live 24 hours.
 */
export function idempotencyPlugin(ds: DataSource, now: () => number = Date.now): ApolloServerPlugin<Context> {
  let claims = 0;
  return {
    async requestDidStart({ request }) {
      const key = request.http?.headers.get('idempotency-key') ?? undefined;
      if (key === undefined) return;
      let principal = '';
      let claimed = false;
      // didResolveOperation hooks run side by side: another plugin (the cost limit) may refuse the request while the
      // claim is still in flight, so the response hook waits for the claim before deciding to release or complete
      let claiming: ReturnType<typeof claimKey> | null = null;
      let replay: { status: number; body: Record<string, unknown> } | null = null;
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          if (!KEY.test(key))
            throw error('Idempotency-Key must be 8 to 255 visible ASCII characters', 'BAD_USER_INPUT', 400);
          principal = contextValue.viewer ? `${contextValue.viewer.role}:${contextValue.viewer.sub}` : 'anonymous';
          const scope = currentScope();
          if (scope) scope.idempotencyKey = key;
          const hash = requestHash(request.query ?? '', request.operationName ?? undefined, request.variables);
          claiming = claimKey(ds, principal, key, hash, new Date(now()));
          const r = await claiming;
          if (r.claimed) {
            claimed = true;
            if (++claims % PURGE_EVERY === 0) void purgeExpiredKeys(ds, new Date(now())).catch(() => undefined);
            return;
          }
          if (!r.stored)
            throw error('The Idempotency-Key could not be claimed; retry', 'CONFLICT', 409, {
              reason: 'IDEMPOTENCY_KEY_IN_USE',
              retryable: true,
            });
          if (r.stored.request_hash !== hash)
            throw error('This Idempotency-Key was used with a different request', 'IDEMPOTENCY_KEY_REUSED', 422);
          if (r.stored.status === 'IN_PROGRESS') {
            throw error('A request with this Idempotency-Key is still running; retry shortly', 'CONFLICT', 409, {
              reason: 'IDEMPOTENCY_KEY_IN_USE',
              retryable: true,
            });
          }
          replay = { status: r.stored.http_status ?? 200, body: r.stored.response ?? {} };
        },
        async responseForOperation() {
          if (!replay) return null;
          return {
            http: { status: replay.status, headers: new HeaderMap([['idempotent-replayed', 'true']]) },
            body: { kind: 'single', singleResult: replay.body },
          };
        },
        async willSendResponse({ response }) {
          if (claiming && (await claiming.catch(() => null))?.claimed) claimed = true;
          if (!claimed || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const data = result.data as Record<string, unknown> | null | undefined;
          const nothingDone =
            !!result.errors?.length &&
            (!data || Object.values(data).every((v) => v === null)) &&
            result.errors.every((e) => NOTHING_DONE.has(String(e.extensions?.code)));
          if (nothingDone) await releaseKey(ds, principal, key);
          else
            await completeKey(ds, principal, key, response.http.status ?? 200, {
              data: result.data,
              ...(result.errors ? { errors: result.errors } : {}),
            });
        },
      };
    },
  };
}
