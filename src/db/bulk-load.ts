import { EntityManager } from 'typeorm';
import { exec, rows } from './sql';

/** The secondary indexes of tables (those backing no constraint), each with its own CREATE INDEX statement. */
export function secondaryIndexes(
  tx: EntityManager,
  tables: readonly string[],
): Promise<{ name: string; def: string }[]> {
  return rows(
    tx,
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i
     WHERE i.indrelid = ANY($1::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY 1`,
    [tables],
  );
}

/**
 * Fills tables with their secondary indexes dropped, then builds each index once from its own definition
 * (pg_get_indexdef, so nothing here repeats the migrations) and analyzes the tables: one build over the loaded rows
 * instead of an insertion per row, which for a GiST index over millions of rows is most of the load (PostgreSQL's
 * "Populating a Database"). The caller's transaction must hold ACCESS EXCLUSIVE on the tables (DROP INDEX takes it
 * anyway); indexes that back a primary key or unique constraint stay. A failure rolls the drops back with the rest.
 */
export async function loadWithIndexesDeferred<T>(
  tx: EntityManager,
  tables: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  const indexes = await secondaryIndexes(tx, tables);
  for (const i of indexes) await exec(tx, `DROP INDEX ${i.name}`);
  const out = await load();
  for (const i of indexes) await exec(tx, i.def);
  await analyzeLoaded(tx, tables);
  return out;
}

/**
 * Statistics for tables just filled in the caller's transaction (ANALYZE samples the transaction's own rows), before
 * statements that read them back: without them a rebuild on a fresh database planned its joins over the loaded rows
 * blind (MARKOV's W rows: 51 s at a million leads, against 4.3 s once the table had statistics).
 */
export async function analyzeLoaded(tx: EntityManager, tables: readonly string[]): Promise<void> {
  await exec(tx, `ANALYZE ${tables.join(', ')}`);
}
