import { DataSource, Logger } from 'typeorm';
import { logger } from './common/log/logger';
import { CountingLogger } from './db/counting-logger';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './db/migrations';
import { unnamedStatements } from './db/prepared';

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Defaults to the request-scoped statement counter. */
  logger?: Logger;
  /**
   * `transaction`: the URL is a pooler in transaction mode (PgBouncer < 1.21 knows neither named prepared statements
   * nor start-up parameters other than its own): statements go unnamed, and the session settings (timeouts, jit) are
   * the pooler's `connect_query` or the role's (`ALTER ROLE … SET`), checked at start-up (app.ts).
   */
  pooler?: 'none' | 'transaction';
}

/** Session settings of every service connection (libpq `options`). */
export const SESSION_OPTIONS = '-c jit=off';

/** The one DataSource: no synchronize, migrations from /migrations, bounded pool and statement limits. */
export function createDataSource(opts: DataSourceOptions): DataSource {
  const pooled = opts.pooler === 'transaction';
  const ds = new DataSource({
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
      ...(pooled ? {} : sessionSettings(opts)),
      keepAlive: true,
      // JIT off: the analytics statements cost ~10⁵–10⁶ planner units, above jit_above_cost, and LLVM then spends
      // ≈0.8 s compiling a query that runs in 0.15 s (measured on PostgreSQL 15 at 100k leads); builds without LLVM
      // (the embedded server) are unaffected. Benchmarks give their raw-pg connections the same SESSION_OPTIONS.
    },
  });
  if (pooled) unnamedStatements(ds);
  return ds;
}

/** The settings each service session starts with (sent in the start-up packet; behind a pooler, set there instead). */
export function sessionSettings(opts: Pick<DataSourceOptions, 'statementTimeoutMs'>) {
  return {
    statement_timeout: opts.statementTimeoutMs ?? 15000,
    lock_timeout: 5000,
    idle_in_transaction_session_timeout: 30000,
    options: SESSION_OPTIONS,
  };
}
