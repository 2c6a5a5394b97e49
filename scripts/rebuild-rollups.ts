import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config/config';
import { createDataSource } from '../src/db/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { runInTransaction } from '../src/db/transaction';
import { rebuildCredit } from '../src/modules/analytics/attribution/attribution-credit';
import { rebuildFunnel } from '../src/modules/analytics/funnel/funnel-rollup';

/** `npm run rollups:rebuild`: recomputes the rollups from scratch (DATABASE_URL, or the embedded database in DATA_DIR). */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort });
  const ds = createDataSource({ url: config.databaseUrl ?? embedded!.url, poolSize: 2, statementTimeoutMs: 3_600_000 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const t = Date.now();
    const rows = await runInTransaction(ds, (tx) => rebuildCredit(tx));
    console.log(`attribution_credit: ${rows} rows rebuilt in ${Date.now() - t} ms`);
    const f = Date.now();
    const days = await runInTransaction(ds, (tx) => rebuildFunnel(tx));
    console.log(`funnel_day: ${days} rows rebuilt in ${Date.now() - f} ms`);
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
