import DataLoader from 'dataloader';

/** Results in key order, null where a key has no row (DataLoader's contract: same length, same order). */
export function byKey<T>(keys: readonly string[], items: T[], keyOf: (t: T) => string): (T | null)[] {
  const map = new Map(items.map((i) => [keyOf(i), i]));
  return keys.map((k) => map.get(k) ?? null);
}

/** Groups of items per key, in key order, [] where a key has none. */
export function groupByKey<T>(keys: readonly string[], items: T[], keyOf: (t: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const i of items) {
    const k = keyOf(i);
    const list = map.get(k);
    if (list) list.push(i);
    else map.set(k, [i]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

/** A loader of rows by id: one `WHERE id = ANY($1)` per batch. */
export function byIdLoader<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => byKey(ids, await load(ids), (r) => r.id));
}

/** A loader of child lists by parent id: one statement per batch. */
export function listLoader<T>(load: (ids: readonly string[]) => Promise<T[]>, parentOf: (t: T) => string): DataLoader<string, T[]> {
  return new DataLoader(async (ids) => groupByKey(ids, await load(ids), parentOf));
}
