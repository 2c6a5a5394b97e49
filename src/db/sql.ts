import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { compile, Sql } from './sql-tag';

/** Anything SQL can run on: the pool (DataSource) or a transaction's EntityManager. */
export type Queryable = DataSource | EntityManager;

export interface SqlResult<T> {
  rows: T[];
  /** Rows affected (UPDATE/DELETE/INSERT) or returned (SELECT). */
  count: number;
}

/**
 * Runs one parameterised statement and returns rows and the affected count in one shape, whatever the command
 * (TypeORM's plain query() returns [rows, count] for UPDATE/DELETE but rows for everything else).
 */
export async function exec<T = Record<string, unknown>>(
  db: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<SqlResult<T>> {
  const inTx = db instanceof EntityManager && db.queryRunner !== undefined;
  const qr: QueryRunner = inTx
    ? (db as EntityManager).queryRunner!
    : (db instanceof DataSource ? db : db.connection).createQueryRunner();
  try {
    const r = await qr.query(text, params, true);
    const rows = (Array.isArray(r.records) ? r.records : []) as T[];
    return { rows, count: typeof r.affected === 'number' ? r.affected : rows.length };
  } finally {
    if (!inTx) await qr.release();
  }
}

export async function rows<T = Record<string, unknown>>(
  db: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await exec<T>(db, text, params)).rows;
}

/** Runs a composed statement (sql-tag.ts): placeholders numbered once, here. */
export async function execSql<T = Record<string, unknown>>(db: Queryable, q: Sql): Promise<SqlResult<T>> {
  const { text, values } = compile(q);
  return exec<T>(db, text, values);
}

export async function sqlRows<T = Record<string, unknown>>(db: Queryable, q: Sql): Promise<T[]> {
  return (await execSql<T>(db, q)).rows;
}
