import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createDataSource } from '../src/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { MIGRATIONS } from '../src/db/migrations';
import { rebuildRollups, rollupsPending } from '../src/modules/analytics/rollups';
import { generateInto, Size } from '../src/seed/synthetic';
import { GENERATOR_VERSION } from '../src/seed/synthetic.sql';

export { SIZES, Size } from '../src/seed/synthetic';

export interface Dataset {
  url: string;
  /** Milliseconds spent generating; 0 when the cached cluster was reused. */
  generatedMs: number;
  counts: Record<string, number>;
  stop(): Promise<void>;
}

/** A ready dataset of the same size, seed and generator, cached under an earlier schema (migration). */
function earlierDataset(size: Size, seed: number): string | null {
  const cache = path.join(__dirname, '..', '..', 'bench', '.cache');
  const names = new Set(MIGRATIONS.map((m) => m.name));
  const found = fs.existsSync(cache)
    ? fs.readdirSync(cache).filter((d) => {
        const m = new RegExp(`^${size}-seed${seed}-(.+)-g${GENERATOR_VERSION}$`).exec(d);
        return m && names.has(m[1]) && fs.existsSync(path.join(cache, d, 'READY'));
      })
    : [];
  const newest = found
    .sort((a, b) => MIGRATIONS.findIndex((m) => a.includes(m.name)) - MIGRATIONS.findIndex((m) => b.includes(m.name)))
    .pop();
  return newest ? path.join(cache, newest) : null;
}

/**
 * Brings a dataset cached under an earlier schema up to date instead of generating it again: the pending migrations,
 * then (when one marked rows dirty) a rebuild of the rollups it marked, which equal a from-scratch computation either way, and
 * VACUUM ANALYZE (visibility map and statistics, as a fresh dataset has them).
 */
async function migrateForward(url: string, from: string): Promise<void> {
  const started = Date.now();
  process.stderr.write(`migrating the dataset cached as ${path.basename(from)} forward\n`);
  const ds = createDataSource({ url, poolSize: 2, statementTimeoutMs: 3_600_000 });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const dirty = await rollupsPending(ds);
  if (dirty) await rebuildRollups(ds, true);
  await ds.query('VACUUM ANALYZE');
  await ds.destroy();
  process.stderr.write(
    `migrated forward in ${((Date.now() - started) / 1000).toFixed(1)} s${dirty ? ' (rollups rebuilt)' : ''}\n`,
  );
}

/**
 * The benchmark database for a size and seed: an embedded PostgreSQL cluster in bench/.cache, cached by (size, seed,
 * schema version, generator version) — generated once (generate_series, set-based), reused afterwards.
 */
export async function openDataset(size: Size, seed: number, port: number): Promise<Dataset> {
  const schema = MIGRATIONS[MIGRATIONS.length - 1].name;
  const dir = path.join(
    __dirname,
    '..',
    '..',
    'bench',
    '.cache',
    `${size}-seed${seed}-${schema}-g${GENERATOR_VERSION}`,
  );
  const marker = path.join(dir, 'READY');
  const earlier = fs.existsSync(marker) ? null : earlierDataset(size, seed);
  if (earlier) fs.renameSync(earlier, dir);
  const fresh = !fs.existsSync(marker);
  if (fresh) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: dir, port, database: 'bench' });
  let generatedMs = 0;
  if (earlier) await migrateForward(db.url, earlier);
  if (fresh) {
    generatedMs = await generateInto(db.url, size, seed);
    fs.writeFileSync(marker, new Date().toISOString());
  }
  const client = new Client({ connectionString: db.url });
  await client.connect();
  const c = (
    await client.query(`SELECT (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM deals)::int AS deals,
    (SELECT count(*) FROM deals WHERE status = 'WON')::int AS won, (SELECT count(*) FROM touchpoints)::int AS touchpoints,
    (SELECT count(*) FROM lead_stage_changes)::int AS lead_events, (SELECT count(*) FROM deal_stage_changes)::int AS deal_changes`)
  ).rows[0];
  await client.end();
  return { url: db.url, generatedMs, counts: c, stop: () => db.stop() };
}
