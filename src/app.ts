import { DataSource } from 'typeorm';
import { logger } from './common/log/logger';
import { Config } from './config/config';
import { createDataSource } from './data-source';
import { EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded-postgres';
import { isEmpty, seedDemo } from './seed/demo-seed';
import { createServer, RunningServer } from './server';
import { serviceTransactions } from './container';
import { biConnectionString, disableBiReader, setBiReaderPassword, writeBiSettings } from './modules/bi/bi-reader';
import { BiWatchdog, startBiWatchdog } from './modules/bi/bi-watchdog';
import { migrate, MigrationFailed } from './db/migrate';
import { classifyStartupError } from './db/startup-errors';

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
        await migrate(ds);
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
      if (ds.isInitialized) await ds.destroy();
      if (embedded) await embedded.stop();
    },
  };
}
