import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config/config';
import { createDataSource } from '../src/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { rebuildRollups } from '../src/modules/analytics/rollups';
import { rebuildMilestones } from '../src/modules/lifecycle/milestones';

/**
 * `npm run rollups:rebuild`: recomputes the deal and lead milestones (set-based) and then the rollups from scratch
 * (DATABASE_URL, or the embedded database in DATA_DIR).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPgPort,
        sharedBuffersMb: config.embeddedPgSharedBuffersMb,
      });
  const ds = createDataSource({ url: config.databaseUrl ?? embedded!.url, poolSize: 2, statementTimeoutMs: 3_600_000 });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const m = await rebuildMilestones(ds);
    console.log(`milestones: deals in ${m.deals} ms, leads in ${m.leads} ms`);
    for (const r of await rebuildRollups(ds)) console.log(`${r.table}: ${r.rows} rows rebuilt in ${r.ms} ms`);
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
