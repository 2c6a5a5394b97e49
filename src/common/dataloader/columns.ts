import {
  FieldNode,
  GraphQLResolveInfo,
  isAbstractType,
  isObjectType,
  OperationDefinitionNode,
  SelectionSetNode,
  GraphQLCompositeType,
  getNamedType,
} from 'graphql';

/**
 * Selection-aware columns (PostGraphile's and Join Monster's trick): a statement that embeds children for look-ahead
 * priming (prime.ts) fetches only the columns the operation reads, so PostgreSQL builds, and Node parses, a fraction
 * of the bytes. Rows primed into a loader are then partial, which is safe because the column set of a type is the
 * union of the fields selected on that type anywhere in the operation (every path, every fragment), plus the keys
 * field resolvers follow: no resolver of that request can ask for a column that was not fetched.
 */

/** A row key → its SQL expression, from a select list written as `expr AS "key"` or `alias.key` items. */
export type ColumnMap = ReadonlyMap<string, string>;

export function columnMap(selectList: string): ColumnMap {
  const map = new Map<string, string>();
  for (const item of selectList
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const as = /^(.*)\s+AS\s+"?([A-Za-z_][A-Za-z0-9_]*)"?$/i.exec(item);
    map.set(as ? as[2] : item.slice(item.lastIndexOf('.') + 1), item);
  }
  return map;
}

/** The select list for the given keys (in the map's order); every column when `keys` is undefined. */
export function selectList(columns: ColumnMap, keys?: ReadonlySet<string>): string {
  return [...columns]
    .filter(([k]) => !keys || keys.has(k))
    .map(([, item]) => item)
    .join(', ');
}

/** The SQL expression of a select-list item (`expr AS "key"` → expr; `alias.key` as is). */
function exprOf(item: string): string {
  const as = /^(.*)\s+AS\s+"?[A-Za-z_][A-Za-z0-9_]*"?$/i.exec(item);
  return as ? as[1] : item;
}

/**
 * The given keys as `expr AS "<prefix>.<key>"`: a to-one child's columns selected flat beside its parent's, through
 * a LEFT JOIN (folded back into one object by `foldPrefixed`, prime.ts).
 */
export function prefixedList(columns: ColumnMap, keys: ReadonlySet<string>, prefix: string): string {
  return [...columns]
    .filter(([k]) => keys.has(k))
    .map(([k, item]) => `${exprOf(item)} AS "${prefix}.${k}"`)
    .join(', ');
}

/** The given keys as `json_build_object('key', expr, …)`: one JSON object per row, built without a sub-select. */
export function jsonObject(columns: ColumnMap, keys: ReadonlySet<string>): string {
  const pairs = [...columns].filter(([k]) => keys.has(k)).map(([k, item]) => `'${k}', ${exprOf(item)}`);
  if (pairs.length > 50) throw new Error('json_build_object takes at most 50 pairs');
  return `json_build_object(${pairs.join(', ')})`;
}

/** Per operation: type name → the field names selected on it anywhere (computed once per parsed document). */
const cache = new WeakMap<OperationDefinitionNode, Map<string, Set<string>>>();

export function fieldsByType(info: GraphQLResolveInfo): Map<string, Set<string>> {
  let out = cache.get(info.operation);
  if (out) return out;
  const found = new Map<string, Set<string>>();
  const add = (type: string, field: string) => {
    let s = found.get(type);
    if (!s) found.set(type, (s = new Set()));
    s.add(field);
  };
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, parent: GraphQLCompositeType): void => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === 'Field') {
        const types = isAbstractType(parent) ? info.schema.getPossibleTypes(parent) : [parent];
        for (const t of types) {
          add(t.name, sel.name.value);
          const def = isObjectType(t) ? t.getFields()[sel.name.value] : undefined;
          const child = def && getNamedType(def.type);
          if (sel.selectionSet && child) walk(sel.selectionSet, child as GraphQLCompositeType);
        }
      } else {
        // a named fragment has one type condition, so walking it once collects all it selects
        if (sel.kind === 'FragmentSpread' && seen.has(sel.name.value)) continue;
        const fragment = sel.kind === 'InlineFragment' ? sel : info.fragments[sel.name.value];
        if (!fragment) continue;
        if (sel.kind === 'FragmentSpread') seen.add(sel.name.value);
        const cond = fragment.typeCondition
          ? (info.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType)
          : parent;
        walk(fragment.selectionSet, cond);
      }
    }
  };
  const root =
    info.operation.operation === 'query'
      ? info.schema.getQueryType()
      : info.operation.operation === 'mutation'
        ? info.schema.getMutationType()
        : info.schema.getSubscriptionType();
  if (root) walk(info.operation.selectionSet, root);
  out = found;
  cache.set(info.operation, out);
  return out;
}

/**
 * The row keys to fetch for `typeName` in this operation: the selected fields that are columns, plus `always` (ids and
 * the foreign keys field resolvers follow).
 */
export function columnsFor(
  info: GraphQLResolveInfo,
  typeName: string,
  columns: ColumnMap,
  always: readonly string[],
): Set<string> {
  const selected = fieldsByType(info).get(typeName) ?? new Set<string>();
  const keys = new Set(always);
  for (const f of selected) if (columns.has(f)) keys.add(f);
  return keys;
}

type Shaped = { nodes: readonly FieldNode[]; key: string; value: unknown };
const shapes = new WeakMap<OperationDefinitionNode, WeakMap<FieldNode, Shaped[]>>();

/**
 * A value that depends only on the selection at this field (its columns, children, the statement built from them):
 * computed once per operation and field, since Apollo keeps one parsed document per query string and every execution
 * of it resolves the same nodes. Keyed by the operation (fragments make a field's surroundings differ between the
 * operations of one document), the field nodes merged at this path (all of them, compared) and `key`.
 */
export function perSelection<T>(info: GraphQLResolveInfo, key: string, build: () => T): T {
  let byField = shapes.get(info.operation);
  if (!byField) shapes.set(info.operation, (byField = new WeakMap()));
  const first = info.fieldNodes[0];
  let list = byField.get(first);
  if (!list) byField.set(first, (list = []));
  const same = (s: Shaped) =>
    s.key === key && s.nodes.length === info.fieldNodes.length && s.nodes.every((n, i) => n === info.fieldNodes[i]);
  const found = list.find(same);
  if (found) return found.value as T;
  const value = build();
  if (list.length < 16) list.push({ nodes: [...info.fieldNodes], key, value });
  return value;
}
