import { Queryable, rows } from '../../db/sql';
import { notFound } from '../errors/app-error';

export type ExternalTable = 'accounts' | 'campaigns' | 'leads' | 'deals' | 'touchpoints';

/** external id → id for the given table, one statement for a whole batch. */
export async function idsByExternalId(
  db: Queryable,
  table: ExternalTable,
  externalIds: (string | null | undefined)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(externalIds.filter((x): x is string => typeof x === 'string'))];
  if (wanted.length === 0) return new Map();
  const r = await rows<{ id: string; external_id: string }>(
    db,
    `SELECT id::text AS id, external_id FROM ${table} WHERE external_id = ANY($1::text[])`,
    [wanted],
  );
  return new Map(r.map((x) => [x.external_id, x.id]));
}

/** Looks a reference up in a batch map: undefined stays undefined (omitted), null stays null (clear). */
export function resolveRef(
  map: Map<string, string>,
  value: string | null | undefined,
  what: string,
  field: string,
): string | null | undefined {
  if (value === undefined || value === null) return value;
  const id = map.get(value);
  if (id === undefined) throw notFound(what, value, field);
  return id;
}
