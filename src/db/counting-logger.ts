import type { Logger as OrmLogger } from 'typeorm';
import { logger } from '../common/log/logger';
import { currentScope } from '../common/request/request-scope';

/** TypeORM calls logQuery for every statement: we count them per request and log only failures and slow ones. */
export class CountingLogger implements OrmLogger {
  logQuery(_query?: string, _parameters?: unknown[]): void {
    const s = currentScope();
    if (s) s.statements += 1;
  }
  logQueryError(error: string | Error, query: string): void {
    logger.debug('sql error', {
      error: String(error),
      query: query.slice(0, 500),
      requestId: currentScope()?.requestId,
    });
  }
  logQuerySlow(time: number, query: string): void {
    logger.warn('slow sql', { ms: time, query: query.slice(0, 500), requestId: currentScope()?.requestId });
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    logger.info('migration', { message });
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') logger.warn(String(message));
  }
}
