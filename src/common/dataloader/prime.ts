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

/** A to-one child as JSON (null when absent). */
export const oneAsJson = (alias: string, select: string) => `(SELECT row_to_json(x) FROM (${select}) x) AS "${alias}"`;

/** A to-many child list as a JSON array in the given order (`o1`, `o2` are the select's ordering columns). */
export const manyAsJson = (alias: string, select: string) =>
  `(SELECT coalesce(jsonb_agg(to_jsonb(x) - 'o1' - 'o2' ORDER BY x.o1, x.o2), '[]'::jsonb) FROM (${select}) x) AS "${alias}"`;

/** JSON carries instants as strings: back to Date, as the driver gives them (millisecond precision). */
export function reviveDates<T>(row: Record<string, unknown>, keys: readonly string[]): T {
  for (const k of keys) if (typeof row[k] === 'string') row[k] = new Date(row[k] as string);
  return row as T;
}
