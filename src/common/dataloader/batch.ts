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

/**
 * A per-request DataLoader whose primed values can also be read at once. Look-ahead priming (prime.ts) fills the
 * loaders before the child fields run; a child resolver returning `get(key)` then hands graphql-js a plain value, so
 * the field completes synchronously instead of through one promise per field (the biggest per-field cost of a nested
 * page). Keys that were not primed go through `load()` and batch as usual.
 */
export class PrimedLoader<K, V> extends DataLoader<K, V> {
  private readonly primed = new Map<K, V>();
  private readonly loaded = new Set<K>();

  override load(key: K): Promise<V> {
    if (this.primed.has(key)) return Promise.resolve(this.primed.get(key) as V);
    this.loaded.add(key);
    return super.load(key);
  }

  /**
   * As DataLoader's: an already cached key keeps its value. A plain value is only kept here (no promise made for it:
   * a nested page primes hundreds of keys, and most are read through `get`).
   */
  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    if (this.loaded.has(key) || this.primed.has(key)) return this;
    const plain = !(value instanceof Error) && typeof (value as PromiseLike<V> | null)?.then !== 'function';
    if (plain) this.primed.set(key, value as V);
    else super.prime(key, value);
    return this;
  }

  override clear(key: K): this {
    this.primed.delete(key);
    this.loaded.delete(key);
    return super.clear(key);
  }

  override clearAll(): this {
    this.primed.clear();
    this.loaded.clear();
    return super.clearAll();
  }

  /** The primed value itself when there is one, else `load(key)`. */
  get(key: K): V | Promise<V> {
    return this.primed.has(key) ? (this.primed.get(key) as V) : this.load(key);
  }
}

/** A loader of rows by id: one `WHERE id = ANY($1)` per batch. */
export function byIdLoader<T extends { id: string }>(
  load: (ids: readonly string[]) => Promise<T[]>,
): PrimedLoader<string, T | null> {
  return new PrimedLoader(async (ids) => byKey(ids, await load(ids), (r) => r.id));
}

/** A loader of child lists by parent id: one statement per batch. */
export function listLoader<T>(
  load: (ids: readonly string[]) => Promise<T[]>,
  parentOf: (t: T) => string,
): PrimedLoader<string, T[]> {
  return new PrimedLoader(async (ids) => groupByKey(ids, await load(ids), parentOf));
}
