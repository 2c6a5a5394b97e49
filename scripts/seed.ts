import 'reflect-metadata';
import { Client } from 'pg';
import { generateInto, Size, SIZES } from '../src/seed/synthetic';
import { ConfigError, loadConfig } from '../src/config/config';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';

/**
 * `npm run seed -- --size small|medium|large [--seed 42]`: loads the benchmark's synthetic funnel (10k / 100k / 1M leads
 * over 2025, ~5 touchpoints and ~0.2 deals per lead, full history) into the service's database — DATABASE_URL, or the
 * embedded one in DATA_DIR as `npm start` uses it — with a progress bar, then rebuilds the rollups. The load bypasses
 * triggers (set-based, seconds to minutes), so it needs a superuser connection; it refuses a database seeded before.
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

/** Seeds one database (refusing one seeded before, or a connection that cannot turn triggers off); milliseconds taken. */
export async function seedDatabase(url: string, size: Size, seed: number): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  let seeded: boolean;
  let superuser: boolean;
  try {
    const migrated = (await c.query(`SELECT to_regclass('leads') IS NOT NULL AS migrated`)).rows[0].migrated as boolean;
    seeded =
      migrated &&
      (await c.query(`SELECT EXISTS (SELECT 1 FROM leads WHERE external_id LIKE 'blead-%') AS seeded`)).rows[0].seeded;
    superuser =
      (await c.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).rows[0]?.rolsuper === true;
  } finally {
    await c.end();
  }
  if (seeded)
    throw new Error(
      'this database already holds the synthetic funnel; seed a fresh one (another DATA_DIR or database)',
    );
  if (!superuser)
    throw new Error(
      'the set-based load turns triggers off (session_replication_role), which needs a superuser connection',
    );
  return generateInto(url, size, seed);
}

async function main(): Promise<void> {
  const size = arg('size', 'small') as Size;
  if (!(size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  const seed = Number(arg('seed', '42'));
  const config = loadConfig();
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPgPort,
        sharedBuffersMb: config.embeddedPgSharedBuffersMb,
      });
  const url = config.databaseUrl ?? embedded!.url;
  try {
    const ms = await seedDatabase(url, size, seed);
    console.log(
      `seeded ${SIZES[size].toLocaleString('en-US')} leads (${size}, seed ${seed}) in ${(ms / 1000).toFixed(1)} s`,
    );
  } finally {
    await embedded?.stop();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof ConfigError ? e.message : `seed failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
