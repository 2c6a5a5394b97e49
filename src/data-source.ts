import { DataSource, Logger } from 'typeorm';
import { logger } from './common/log/logger';
import { CountingLogger } from './db/counting-logger';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './db/migrations';

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Defaults to the request-scoped statement counter. */
  logger?: Logger;
}

/** Session settings of every service connection (libpq `options`). */
export const SESSION_OPTIONS = '-c jit=off';

/** The one DataSource: no synchronize, migrations from /migrations, bounded pool and statement limits. */
export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logger: opts.logger ?? new CountingLogger(),
    maxQueryExecutionTime: 2000,
    poolSize: opts.poolSize ?? 10,
    connectTimeoutMS: opts.connectTimeoutMs ?? 5000,
    applicationName: 'revenue-funnel-api',
    // an idle connection that died (killed, server restart): the pool drops it; log what happened, not the client object
    poolErrorHandler: (err: unknown) =>
      logger.warn('pg pool error', {
        err: { message: (err as Error)?.message, code: (err as { code?: string })?.code },
      }),
    extra: {
      statement_timeout: opts.statementTimeoutMs ?? 15000,
      lock_timeout: 5000,
      idle_in_transaction_session_timeout: 30000,
      keepAlive: true,
      // JIT off: the analytics statements cost ~10⁵–10⁶ planner units, above jit_above_cost, and LLVM then spends
      // ≈0.8 s compiling a query that runs in 0.15 s (measured on PostgreSQL 15 at 100k leads); builds without LLVM
      // (the embedded server) are unaffected. Benchmarks give their raw-pg connections the same SESSION_OPTIONS.
      options: SESSION_OPTIONS,
    },
  });
}
