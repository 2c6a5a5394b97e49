import { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Look-ahead priming: when a query asks for a parent's children, the parent's own statement embeds them as JSON and
 * the per-request DataLoaders are primed with them, so the child field resolvers (which still go through the
 * loaders) need no further SQL. One statement for a nested page instead of one per child kind.
 */

/** Field names selected on the objects at `path` below the current field (through fragments), e.g. ['nodes']. */
export function selectedFields(info: GraphQLResolveInfo, path: string[]): Set<string> {
  const out = new Set<string>();
  const fields = (set: SelectionSetNode | undefined, visit: (f: FieldNode) => void): void => {
    for (const s of set?.selections ?? []) {
      if (s.kind === 'Field') visit(s);
      else if (s.kind === 'InlineFragment') fields(s.selectionSet, visit);
      else fields(info.fragments[s.name.value]?.selectionSet, visit);
    }
  };
  const walk = (set: SelectionSetNode | undefined, rest: string[]): void => {
    if (!rest.length) return fields(set, (f) => out.add(f.name.value));
    fields(set, (f) => f.name.value === rest[0] && walk(f.selectionSet, rest.slice(1)));
  };
  for (const f of info.fieldNodes) walk(f.selectionSet, path);
  return out;
}

/**
 * A to-many child list as one JSON array per parent row: `object` (columns.ts jsonObject) aggregated over `from` in
 * `orderBy`, `[]` when there is none. json_agg of json_build_object, not row_to_json/to_jsonb of a sub-select: the
 * 50-deal page's statement cost PostgreSQL 1.3 ms that way against 0.85 ms (measured at 100k leads, bench/).
 */
export const manyAsJson = (alias: string, object: string, from: string, orderBy: string) =>
  `(SELECT coalesce(json_agg(${object} ORDER BY ${orderBy}), '[]') FROM ${from}) AS "${alias}"`;

/**
 * Folds a to-one child's flat columns (`"<prefix>.<key>"`, columns.ts prefixedList, from a LEFT JOIN) into one object
 * at `row[prefix]`: null when its `idKey` is null (no child), and empties the flat keys (undefined, not deleted: a
 * `delete` turns a V8 object into a slow dictionary for every later field read).
 */
export function foldPrefixed(row: Record<string, unknown>, prefix: string, keys: ReadonlySet<string>, idKey = 'id') {
  let child: Record<string, unknown> | null = null;
  if (row[`${prefix}.${idKey}`] !== null && row[`${prefix}.${idKey}`] !== undefined) {
    child = {};
    for (const k of keys) child[k] = row[`${prefix}.${k}`];
  }
  for (const k of keys) row[`${prefix}.${k}`] = undefined;
  row[prefix] = child;
}

/** JSON carries instants as strings: back to Date, as the driver gives them (millisecond precision). */
export function reviveDates<T>(row: Record<string, unknown>, keys: readonly string[]): T {
  for (const k of keys) if (typeof row[k] === 'string') row[k] = new Date(row[k] as string);
  return row as T;
}
