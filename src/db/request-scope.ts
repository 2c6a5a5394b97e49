import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as OrmLogger } from 'typeorm';
import { logger } from '../common/log/logger';

/** What one request carries through its async work: its id and the SQL statements it issued. */
export interface RequestScope {
  requestId: string;
  statements: number;
  /** Set once the request is authenticated / carries an Idempotency-Key (for the audit log). */
  actor?: { sub: string; role: string };
  idempotencyKey?: string;
}
const storage = new AsyncLocalStorage<RequestScope>();

export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

/** TypeORM calls logQuery for every statement: we count them per request and log only failures and slow ones. */
export class CountingLogger implements OrmLogger {
  logQuery(_query?: string, _parameters?: unknown[]): void {
    const s = storage.getStore();
    if (s) s.statements += 1;
  }
  logQueryError(error: string | Error, query: string): void {
    logger.debug('sql error', { error: String(error), query: query.slice(0, 500), requestId: storage.getStore()?.requestId });
  }
  logQuerySlow(time: number, query: string): void {
    logger.warn('slow sql', { ms: time, query: query.slice(0, 500), requestId: storage.getStore()?.requestId });
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    logger.info('migration', { message });
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') logger.warn(String(message));
  }
}
