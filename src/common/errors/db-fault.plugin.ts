import { ApolloServerPlugin } from '@apollo/server';
import { DB_RETRY_AFTER_SECONDS } from './pg-error';

/** A formatted error that says the database was out of reach or busy (fromDbFault): retryable, nothing written. */
export const isDbFault = (e: { extensions?: Record<string, unknown> }) =>
  e.extensions?.code === 'RATE_LIMITED' &&
  typeof e.extensions.reason === 'string' &&
  e.extensions.reason.startsWith('DATABASE_');

/**
 * A response whose errors include a database fault is a 503 with Retry-After, as the start-up gate answers: an HTTP
 * client, proxy or load balancer then retries it as it retries any unavailable service, without reading the body.
 */
export function dbFaultPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors?.some(isDbFault)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DB_RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
