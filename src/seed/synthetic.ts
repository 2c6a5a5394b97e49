import { createDataSource } from '../data-source';
import { loadWithIndexesDeferred } from '../db/bulk-load';
import { rebuildRollups } from '../modules/analytics/rollups';
import { generateSql, LOADED_TABLES } from './synthetic.sql';

export const SIZES = { small: 10_000, medium: 100_000, large: 1_000_000 } as const;
export type Size = keyof typeof SIZES;

/** A one-line progress bar on stderr. */
export function progress(done: number, total: number, started: number, label: string): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label.padEnd(28).slice(0, 28)} ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (done === total) process.stderr.write('\n');
}

/**
 * The synthetic funnel of `npm run seed` and the benchmark: 10k / 100k / 1M leads over 2025, ~5 touchpoints and ~0.2
 * deals per lead, with full history, generated set-based in SQL (synthetic.sql.ts).
 *
 * Generates the synthetic funnel of a size into a migrated database (generate_series, set-based, with a progress bar)
 * in one transaction, with the written tables' secondary indexes dropped and built once at the end (PostgreSQL's
 * "Populating a Database"), then rebuilds the rollups (the load skips triggers) and runs VACUUM ANALYZE; returns the
 * milliseconds it took.
 */
export async function generateInto(url: string, size: Size, seed: number): Promise<number> {
  const started = Date.now();
  const ds = createDataSource({ url, poolSize: 2, statementTimeoutMs: 3_600_000 });
  await ds.initialize();
  const steps = generateSql(SIZES[size], seed / 1000);
  try {
    await ds.runMigrations({ transaction: 'each' });
    // one transaction, the loaded tables' secondary indexes built once at the end (a failure leaves nothing behind)
    await ds.transaction((tx) =>
      loadWithIndexesDeferred(tx, LOADED_TABLES, async () => {
        for (const [i, step] of steps.entries()) {
          progress(i, steps.length, started, step.label);
          await tx.query(step.sql);
        }
        progress(steps.length, steps.length + 1, started, 'indexes');
      }),
    );
    progress(steps.length, steps.length + 1, started, 'rollups');
    const built = await rebuildRollups(ds);
    await ds.query('VACUUM ANALYZE'); // statistics of the rebuilt rollups, visibility map for index-only scans
    process.stderr.write(
      `\nrollups rebuilt: ${built.map((b) => `${b.table} ${b.rows.toLocaleString('en-US')} rows in ${(b.ms / 1000).toFixed(1)} s`).join('; ')}\n`,
    );
  } finally {
    await ds.destroy();
  }
  progress(steps.length + 1, steps.length + 1, started, 'done');
  return Date.now() - started;
}
