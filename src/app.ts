import { DataSource } from 'typeorm';
import { logger } from './common/log/logger';
import { Config } from './config/config';
import { createDataSource, sessionSettings } from './data-source';
import { EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded-postgres';
import { isEmpty, seedDemo } from './seed/demo-seed';
import { createServer, RunningServer } from './server';
import { serviceTransactions } from './container';
import { biConnectionString, disableBiReader, setBiReaderPassword, writeBiSettings } from './modules/bi/bi-reader';
import { BiWatchdog, startBiWatchdog } from './modules/bi/bi-watchdog';
import { migrate, MigrationFailed } from './db/migrate';
import { classifyStartupError } from './db/startup-errors';
import { ReplicaSet } from './db/replicas';
import { routeReads } from './db/read-routing';

export interface App {
  server: RunningServer;
  ds: DataSource;
  /** Resolves once the database is connected and migrated (and the demo loaded): /readyz says 200 from then on. */
  ready: Promise<void>;
  /** Connection string of the read-only BI role, once its password is set (docs: README, BI). */
  biUrl(): string | null;
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 10_000;

/** Migrations on the primary itself: DATABASE_DIRECT_URL when the service's URL is a transaction pooler. */
async function migrateDirect(ds: DataSource, config: Config): Promise<void> {
  if (!config.db.directUrl) {
    await migrate(ds);
    return;
  }
  const direct = createDataSource({ ...config.db, url: config.db.directUrl, pooler: 'none', poolSize: 2 });
  await direct.initialize();
  try {
    await migrate(direct);
  } finally {
    await direct.destroy();
  }
}

/** The service's session settings (sessionSettings) as ALTER ROLE statements for its role. */
function pooledSettingsSql(db: Config['db']): string {
  const { options, ...timeouts } = sessionSettings(db);
  const sets = [
    ...Object.entries(timeouts).map(([k, ms]) => `${k} = '${ms}ms'`),
    ...[...options.matchAll(/-c (\w+)=(\S+)/g)].map((m) => `${m[1]} = ${m[2]}`),
  ];
  return sets.map((set) => `ALTER ROLE <service role> SET ${set};`).join(' ');
}

/**
 * Behind a transaction pooler the service sends no session settings: they are the pooler's `connect_query` or the
 * role's. A session without a statement timeout is a warning with what to run (README, Scaling).
 */
async function checkPooledSettings(ds: DataSource, db: Config['db']): Promise<void> {
  const [row] = await ds.query(
    `SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('jit') AS jit`,
  );
  if (row.st === '0' || row.lt === '0' || row.jit === 'on')
    logger.warn('behind the pooler, sessions start without the service settings', {
      statementTimeout: row.st,
      lockTimeout: row.lt,
      jit: row.jit,
      fix: `${pooledSettingsSql(db)} (or the same SETs as the pooler's connect_query)`,
    });
}

/**
 * Starts the service: the HTTP server listens at once (/healthz 200, /readyz 503, /graphql 503 + Retry-After while
 * the database is out of reach), then the database is connected with backoff, migrated and, for a brand-new embedded
 * one, seeded. A database that is down at start-up is waited for, not a crash loop; an error no retry can fix (a wrong
 * password, a missing database, a failed migration) rejects `ready` with the reason (classifyStartupError).
 */
export async function startApp(config: Config, opts: { initialBackoffMs?: number } = {}): Promise<App> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      sharedBuffersMb: config.embeddedPgSharedBuffersMb,
    });
    url = embedded.url;
    logger.info('embedded PostgreSQL started', {
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      created: embedded.created,
    });
  }
  const ds = createDataSource({ url, ...config.db });
  // replicas answer analytics once polled healthy; until then (and when none is) the primary does
  const replicas = config.db.readUrls.length
    ? new ReplicaSet(ds, config.db.readUrls, {
        maxLagMs: config.db.maxReplicaLagMs,
        pollMs: config.db.replicaPollMs,
        db: config.db,
      })
    : null;
  if (replicas) routeReads(ds, replicas);
  let isReady = false;
  let stopped = false;
  let biUrl: string | null = null;
  let watchdog: BiWatchdog | null = null;
  const server = await createServer(config, ds, config.port, () => isReady);

  const connect = async () => {
    for (let wait = opts.initialBackoffMs ?? 500; !stopped; wait = Math.min(wait * 2, MAX_BACKOFF_MS)) {
      let step = 'connecting to the database';
      try {
        if (!ds.isInitialized) await ds.initialize();
        step = 'migrating';
        await migrateDirect(ds, config);
        if (config.db.pooler === 'transaction') await checkPooledSettings(ds, config.db);
        step = 'setting up the bi_reader role';
        await writeBiSettings(ds, config.fiscalYearStartMonth);
        if (config.biReaderDisabled) await disableBiReader(ds);
        else if (config.biReaderPassword && (await setBiReaderPassword(ds, config.biReaderPassword)))
          biUrl = biConnectionString(url!, config.biReaderPassword);
        watchdog ??= startBiWatchdog(ds, config.biStatementTimeoutMs);
        if (embedded && config.seedDemo && (await isEmpty(ds))) {
          step = 'loading the demo funnel';
          const t = Date.now();
          await seedDemo(serviceTransactions(ds));
          logger.info('demo funnel loaded', { ms: Date.now() - t });
        }
        if (replicas) await replicas.start();
        isReady = true;
        return;
      } catch (err) {
        // a migration's own error decides whether it is worth another try (its connection dropping is)
        const f =
          err instanceof MigrationFailed
            ? classifyStartupError(err.original, `migration ${err.migration}`)
            : classifyStartupError(err, step);
        if (!f.transient) {
          logger.error('start-up stopped', { reason: f.reason });
          throw new Error(f.reason, { cause: err });
        }
        logger.warn('database not reachable yet; retrying', { reason: f.reason, retryInMs: wait });
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
  const ready = connect();
  return {
    server,
    ds,
    ready,
    biUrl: () => biUrl,
    async stop() {
      stopped = true;
      watchdog?.stop();
      await server.stop();
      await replicas?.stop();
      if (ds.isInitialized) await ds.destroy();
      if (embedded) await embedded.stop();
    },
  };
}
