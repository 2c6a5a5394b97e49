import { EntityManager } from 'typeorm';
import { Written } from './bulk-runner';
import { exec, rows as sqlRows } from '../../db/sql';
import { AppError, badInput } from '../errors/app-error';

/** One column of an upsert: omitted (present=false) leaves it unchanged on update and uses insertDefault on insert. */
export interface UpsertColumn {
  col: string;
  cast: string;
  value: unknown;
  present: boolean;
  /** SQL expression used on insert when the value is omitted (default: NULL/column default). */
  insertDefault?: string;
  /** The input field that must be given to create the row (an update may leave it out). */
  requiredField?: string;
}

export interface UpsertOutcome extends Written {
  /** The row as it was before an update (columns asked for in `before`), null on insert. */
  before: Record<string, unknown> | null;
}

/**
 * Upsert by external id with per-field "omitted = unchanged, null = clears" semantics. Takes the row lock, bumps
 * `version` only when a value really changed, and reports created/changed. Table and column names are constants of
 * the calling module, never client input.
 */
export async function upsertByExternalId(
  tx: EntityManager,
  table: string,
  externalId: string,
  cols: UpsertColumn[],
  before: string[] = [],
): Promise<UpsertOutcome> {
  const existing = await sqlRows(
    tx,
    `SELECT id::text AS id${before.map((c) => `, ${c}`).join('')} FROM ${table} WHERE external_id = $1 FOR UPDATE`,
    [externalId],
  );
  if (existing.length === 0) {
    const missing = cols.find((c) => c.requiredField && !c.present);
    if (missing) throw badInput(`${missing.requiredField} is required to create a new record`, missing.requiredField);
    const insertCols = cols.filter((c) => c.present || c.insertDefault);
    const params: unknown[] = [externalId];
    const values = insertCols.map((c) => {
      if (!c.present) return c.insertDefault!;
      params.push(c.value);
      return `$${params.length}::${c.cast}`;
    });
    const rows = await sqlRows<{ id: string }>(
      tx,
      `INSERT INTO ${table} (external_id${insertCols.map((c) => `, ${c.col}`).join('')})
       VALUES ($1${values.map((v) => `, ${v}`).join('')})
       ON CONFLICT (external_id) DO NOTHING RETURNING id::text AS id`,
      params,
    );
    // A concurrent insert of the same external id won the race: update it instead.
    if (rows.length === 0) return upsertByExternalId(tx, table, externalId, cols, before);
    return { id: rows[0].id, created: true, changed: true, before: null };
  }
  const id = String(existing[0].id);
  const present = cols.filter((c) => c.present);
  if (present.length === 0) return { id, created: false, changed: false, before: existing[0] };
  const params: unknown[] = [id, ...present.map((c) => c.value)];
  const sets = present.map((c, i) => `${c.col} = $${i + 2}::${c.cast}`).join(', ');
  const cur = present.map((c) => c.col).join(', ');
  const next = present.map((c, i) => `$${i + 2}::${c.cast}`).join(', ');
  const updated = await exec(
    tx,
    `UPDATE ${table} SET ${sets}, version = version + 1, updated_at = now()
     WHERE id = $1 AND ROW(${cur}, 0) IS DISTINCT FROM ROW(${next}, 0) RETURNING id`,
    params,
  );
  return { id, created: false, changed: updated.count > 0, before: existing[0] };
}

/** A column an update may omit but a create must have (a name, an amount): omitted on create → BAD_USER_INPUT. */
export const requiredColumn = (col: string, cast: string, value: unknown, field: string): UpsertColumn => ({
  ...column(col, cast, value),
  requiredField: field,
});

/** An upsert column from an input value: undefined = omitted. */
export const column = (col: string, cast: string, value: unknown, insertDefault?: string): UpsertColumn => ({
  col,
  cast,
  value,
  present: value !== undefined,
  insertDefault,
});

export interface KeyedColumn {
  col: string;
  value: unknown;
  cast: string;
}

/**
 * Insert-or-correct a row identified by a natural key (a log entry, a day of spend): the same key again with the
 * same values writes nothing; with other values it corrects them. `insertOnly` columns (actor…) are set on insert.
 */
export async function upsertByNaturalKey(
  tx: EntityManager,
  table: string,
  key: KeyedColumn[],
  values: KeyedColumn[],
  insertOnly: KeyedColumn[] = [],
): Promise<Written> {
  const all = [...key, ...values, ...insertOnly];
  const params = all.map((c) => c.value);
  const ph = (i: number) => `$${i + 1}::${all[i].cast}`;
  const keyCols = key.map((c) => c.col).join(', ');
  const r = await sqlRows<{ id: string; created: boolean }>(
    tx,
    `
    INSERT INTO ${table} AS t (${all.map((c) => c.col).join(', ')}) VALUES (${all.map((_, i) => ph(i)).join(', ')})
    ON CONFLICT (${keyCols}) DO UPDATE SET ${values.map((c) => `${c.col} = EXCLUDED.${c.col}`).join(', ')}
      WHERE ROW(${values.map((c) => `t.${c.col}`).join(', ')}, 0) IS DISTINCT FROM ROW(${values.map((c) => `EXCLUDED.${c.col}`).join(', ')}, 0)
    RETURNING id::text AS id, (xmax = 0) AS created`,
    params,
  );
  if (r.length) return { ...r[0], changed: true };
  const existing = await sqlRows<{ id: string }>(
    tx,
    `SELECT id::text AS id FROM ${table} WHERE ${key.map((c, i) => `${c.col} = ${ph(i)}`).join(' AND ')}`,
    params.slice(0, key.length),
  );
  return { id: existing[0].id, created: false, changed: false };
}

/** One row of upsertManyByExternalId: its external id and its columns (the same columns, in order, for every row). */
export interface UpsertRow {
  externalId: string;
  cols: UpsertColumn[];
}

/** Rows grouped by which columns they give (one statement per shape: a synced batch is usually one shape). */
function byShape<T extends { cols: UpsertColumn[] }>(rows: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const shape = r.cols.map((c) => (c.present ? '1' : '0')).join('');
    const group = groups.get(shape);
    if (group) group.push(r);
    else groups.set(shape, [r]);
  }
  return [...groups.values()];
}

/** One array per column of `cols` (taken from the group's first row), of every row's value in that column. */
const valuesOf = (group: UpsertRow[], cols: UpsertColumn[]): unknown[][] =>
  cols.map((c) => {
    const at = group[0].cols.indexOf(c);
    return group.map((g) => g.cols[at].value);
  });

/** The concurrent insert of an external id in a batch: the bulk runner writes the batch again row by row. */
class BatchRaced extends AppError {
  constructor() {
    super('CONFLICT', 'A record of this batch was created concurrently');
  }
}

/**
 * upsertByExternalId for many rows at once, with its semantics (omitted = unchanged, null = clears, the row lock, the
 * version bumped only when a value changed): the existing rows locked in one statement (in external id order), the new
 * ones inserted and the others updated with one statement per shape. A row it cannot take as given (a required field
 * missing on create, an external id inserted concurrently) throws an AppError, and the bulk runner writes the batch
 * one row at a time instead, where the error lands on its item. Results in input order.
 */
export async function upsertManyByExternalId(tx: EntityManager, table: string, items: UpsertRow[]): Promise<Written[]> {
  const existing = new Map(
    (
      await sqlRows<{ id: string; external_id: string }>(
        tx,
        `SELECT id::text AS id, external_id FROM ${table} WHERE external_id = ANY($1::text[]) ORDER BY external_id FOR UPDATE`,
        [items.map((i) => i.externalId)],
      )
    ).map((r) => [r.external_id, r.id]),
  );
  const out = new Map<string, Written>();
  const creates = items.filter((i) => !existing.has(i.externalId));
  for (const group of byShape(creates)) {
    const missing = group[0].cols.find((c) => c.requiredField && !c.present);
    if (missing) throw badInput(`${missing.requiredField} is required to create a new record`, missing.requiredField);
    const cols = group[0].cols.filter((c) => c.present || c.insertDefault);
    const present = cols.filter((c) => c.present);
    const params: unknown[] = [group.map((g) => g.externalId), ...valuesOf(group, present)];
    const values = cols.map((c) => (c.present ? `v.c${present.indexOf(c) + 1}` : c.insertDefault!));
    const inserted = await sqlRows<{ id: string; external_id: string }>(
      tx,
      `INSERT INTO ${table} (external_id${cols.map((c) => `, ${c.col}`).join('')})
       SELECT v.x${values.map((v) => `, ${v}`).join('')}
       FROM unnest($1::text[]${present.map((c, i) => `, $${i + 2}::${c.cast}[]`).join('')}) WITH ORDINALITY
         AS v(x${present.map((_, i) => `, c${i + 1}`).join('')}, ord)
       ORDER BY v.ord
       ON CONFLICT (external_id) DO NOTHING RETURNING id::text AS id, external_id`,
      params,
    );
    if (inserted.length < group.length) throw new BatchRaced();
    for (const r of inserted) out.set(r.external_id, { id: r.id, created: true, changed: true });
  }
  const updates = items.filter((i) => existing.has(i.externalId));
  for (const group of byShape(updates)) {
    const present = group[0].cols.filter((c) => c.present);
    const changed = new Set<string>();
    if (present.length) {
      const params: unknown[] = [group.map((g) => existing.get(g.externalId)), ...valuesOf(group, present)];
      const v = present.map((_, i) => `v.c${i + 1}`);
      const updated = await sqlRows<{ id: string }>(
        tx,
        `UPDATE ${table} t SET ${present.map((c, i) => `${c.col} = ${v[i]}`).join(', ')}, version = t.version + 1, updated_at = now()
         FROM unnest($1::bigint[]${present.map((c, i) => `, $${i + 2}::${c.cast}[]`).join('')}) AS v(id${v.map((_, i) => `, c${i + 1}`).join('')})
         WHERE t.id = v.id AND ROW(${present.map((c) => `t.${c.col}`).join(', ')}, 0) IS DISTINCT FROM ROW(${v.join(', ')}, 0)
         RETURNING t.id::text AS id`,
        params,
      );
      for (const r of updated) changed.add(r.id);
    }
    for (const g of group) {
      const id = existing.get(g.externalId)!;
      out.set(g.externalId, { id, created: false, changed: changed.has(id) });
    }
  }
  return items.map((i) => out.get(i.externalId)!);
}
