import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { logger } from '../common/log/logger';

/** Names of the migrations recorded as applied (none before the first run). */
async function appliedNames(ds: DataSource): Promise<Set<string>> {
  const [{ t }] = await ds.query(`SELECT to_regclass('typeorm_migrations') IS NOT NULL AS t`);
  if (!t) return new Set();
  return new Set((await ds.query(`SELECT name FROM typeorm_migrations`)).map((r: { name: string }) => r.name));
}

/** A migration that failed, by name (each runs in its own transaction: those before it stay applied). */
export class MigrationFailed extends Error {
  constructor(
    readonly migration: string,
    readonly original: unknown,
  ) {
    super(`migration ${migration}: ${original instanceof Error ? original.message : String(original)}`);
  }
}

/**
 * Applies the pending migrations, each in its own transaction, and logs them by name (or that the schema is up to
 * date); a failure names the migration that failed.
 */
export async function migrate(ds: DataSource): Promise<string[]> {
  const lock = await migrationLock(ds);
  try {
    return await migrateLocked(ds);
  } finally {
    await lock.end().catch(() => undefined); // the session's lock ends with it
  }
}

/** The advisory lock key of migrations (1903: this service's namespace; 1 is the activation backfill's). */
const MIGRATION_LOCK = [1903, 2] as const;

/**
 * Instances that start together migrate one at a time: a session of its own (the DataSource's URL: the primary, never
 * a transaction pooler, app.ts) holds an advisory lock while the migrations run, and the next instance, once it has
 * it, finds nothing pending. Without it two instances applied the same migration side by side and one failed.
 */
async function migrationLock(ds: DataSource): Promise<Client> {
  const url = (ds.options as { url?: string }).url;
  const client = new Client({ connectionString: url, application_name: 'revenue-funnel-api migrations' });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock($1, $2)`, [...MIGRATION_LOCK]);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return client;
}

async function migrateLocked(ds: DataSource): Promise<string[]> {
  const before = await appliedNames(ds);
  const pending = ds.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !before.has(n));
  try {
    const applied = (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
    if (applied.length) logger.info('migrations applied', { migrations: applied });
    else logger.info('database schema up to date', { latest: ds.migrations[ds.migrations.length - 1]?.name });
    return applied;
  } catch (err) {
    const after = await appliedNames(ds).catch(() => before);
    const failed = pending.find((n) => !after.has(n));
    if (failed === undefined) throw err;
    const done = pending.filter((n) => after.has(n));
    if (done.length) logger.info('migrations applied', { migrations: done });
    throw new MigrationFailed(failed, err);
  }
}
