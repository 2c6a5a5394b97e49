import type { ReadRouting } from '../../db/read-routing';
import { AsyncLocalStorage } from 'node:async_hooks';

/** What one request carries through its async work: its id and the SQL statements it issued. */
export interface RequestScope {
  requestId: string;
  statements: number;
  /** Set once the request is authenticated / carries an Idempotency-Key (for the audit log). */
  actor?: { sub: string; role: string };
  idempotencyKey?: string;
  /** The GraphQL operation's requested cost, once admitted (for the access line). */
  cost?: number;
  /** What the GraphQL pipeline learnt of the operation (name, type, outcome, error codes), for the access line. */
  operation?: Record<string, unknown>;
  /** Read routing to replicas (db/read-routing.ts): the client's read-after LSN, whether it writes, where reads went. */
  reads?: ReadRouting;
}
const storage = new AsyncLocalStorage<RequestScope>();

export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}
