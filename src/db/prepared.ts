import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { Queryable, rows } from './sql';
import { compile, Sql } from './sql-tag';

/** Named statements kept per pooled connection; past this the least recently used one is deallocated. */
export const MAX_PREPARED_PER_CONNECTION = 64;

type Parsed = { connection: { parsedStatements: Record<string, string> } };
const preparedOn = new WeakMap<PoolClient, Map<string, true>>();
const names = new Map<string, string>();

/** `p` + a hash of the text: the same text has the same name on every connection (as PostGraphile names them). */
export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    if (names.size >= 1000) names.clear();
    name = `p${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** Forgets a statement on this connection (client side and server side). */
async function forget(client: PoolClient, known: Map<string, true>, name: string): Promise<void> {
  known.delete(name);
  const parsed = (client as unknown as Parsed).connection.parsedStatements;
  if (!(name in parsed)) return;
  delete parsed[name];
  await client.query(`DEALLOCATE ${name}`).catch(() => undefined);
}

async function runPrepared<T extends QueryResultRow>(
  client: PoolClient,
  text: string,
  params: unknown[],
): Promise<T[]> {
  const name = statementName(text);
  let known = preparedOn.get(client);
  if (!known) preparedOn.set(client, (known = new Map()));
  if (!known.delete(name) && known.size >= MAX_PREPARED_PER_CONNECTION)
    await forget(client, known, known.keys().next().value as string);
  known.set(name, true);
  try {
    return (await client.query<T>({ name, text, values: params })).rows;
  } catch (err) {
    // a statement that did not parse is not held; a plan that outlived a schema change (0A000) is dropped and the
    // statement runs once more, unprepared
    const parsed = name in (client as unknown as Parsed).connection.parsedStatements;
    if ((err as { code?: string }).code === '0A000' && parsed) {
      await forget(client, known, name);
      return (await client.query<T>(text, params)).rows;
    }
    if (!parsed) known.delete(name);
    throw err;
  }
}

const unnamed = new WeakSet<DataSource>();

/**
 * This DataSource's connections are a pooler's in transaction mode (DB_POOLER=transaction): consecutive statements may
 * reach different server sessions, so a statement prepared on one is unknown to the next; every read goes unnamed.
 */
export function unnamedStatements(ds: DataSource): void {
  unnamed.add(ds);
}

const ANY_IDS = '= ANY($1::bigint[])';

/**
 * One id for a statement written for many (`… = ANY($1::bigint[])`, a DataLoader's batch): the same statement with
 * `= $1::bigint` and the id itself. PostgreSQL never settles on a generic plan for `= ANY($1)` (it prices an array of
 * unknown length above the one-element custom plan), so every execution of the prepared statement was planned again:
 * 0.25-0.5 ms for a deal with its children, against 0.01 ms for the generic plan of `= $1`. A one-id batch is the
 * common case (a `deal(id)` query, a child's parent). Applied only when every `$1` of the text is that comparison.
 */
export function singleIdForm(text: string, params: unknown[]): { text: string; params: unknown[] } {
  const ids = params[0];
  if (!Array.isArray(ids) || ids.length !== 1 || ids[0] === null) return { text, params };
  const single = singleIdText(text);
  return single === null ? { text, params } : { text: single, params: [ids[0], ...params.slice(1)] };
}

/** Texts → their one-id form (null: none), remembered: the hot statements come back as the same string. */
const singleTexts = new Map<string, string | null>();

function singleIdText(text: string): string | null {
  let single = singleTexts.get(text);
  if (single !== undefined) return single;
  single = null;
  if (text.includes(ANY_IDS)) {
    const uses = text.split('$1').length - 1;
    if (uses === text.split(ANY_IDS).length - 1 && !/\$1\d/.test(text))
      single = text.replaceAll(ANY_IDS, '= $1::bigint');
  }
  if (singleTexts.size >= 1000) singleTexts.clear();
  singleTexts.set(text, single);
  return single;
}

/**
 * A read on the hot paths (pages, loaders) as a named prepared statement on a pooled connection, so PostgreSQL parses
 * and plans it once per connection instead of once per request (parse + plan were ~0.6 ms of the ~1.7 ms a 50-deal
 * page cost the database, measured at 100k leads). Inside a transaction it runs like any statement. Statements are
 * counted and slow ones logged as TypeORM's are; errors are the driver's (SQLSTATE in `code`), which the error
 * mapping reads.
 */
export async function preparedRows<T = Record<string, unknown>>(
  db: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  ({ text, params } = singleIdForm(text, params));
  const pool = db instanceof DataSource ? (db.driver as unknown as { master?: Pool }).master : undefined;
  // a transaction, not connected yet, or behind a pooler in transaction mode: an unnamed statement
  if (!(db instanceof DataSource) || !pool || unnamed.has(db)) return rows<T>(db, text, params);
  db.logger.logQuery(text, params);
  const started = Date.now();
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await runPrepared<T & QueryResultRow>(client, text, params);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || /^(08|57P)/.test(code)) broken = err as Error; // the connection itself failed
    db.logger.logQueryError(err as Error, text, params);
    throw err;
  } finally {
    client.release(broken);
    const ms = Date.now() - started;
    const slow = db.options.maxQueryExecutionTime;
    if (slow && ms > slow) db.logger.logQuerySlow(ms, text, params);
  }
}

/**
 * A composed read (sql-tag.ts) as a named prepared statement (preparedRows): the analytics, whose statements are long
 * and whose text depends only on the shape of the request (model, dimensions, grouping), never on its values. Parse
 * and rewrite happen once per connection, and planning too when PostgreSQL finds the generic plan no costlier than
 * the custom ones (it decides after five executions): 0.8-1.6 ms of planning per closing-profile request at 100k
 * leads, more than its statistics and GraphQL together.
 */
export function preparedSqlRows<T = Record<string, unknown>>(db: Queryable, q: Sql): Promise<T[]> {
  const { text, values } = compile(q);
  return preparedRows<T>(db, text, values);
}
