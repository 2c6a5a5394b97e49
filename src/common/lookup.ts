/**
 * A record's own value for a key a client chose (a path segment, a query parameter, a header): never an inherited
 * property, so `__proto__`, `constructor`, `toString` or `hasOwnProperty` find nothing instead of Object.prototype's.
 */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
