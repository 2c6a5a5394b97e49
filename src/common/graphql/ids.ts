/** API ids are bigints as strings; anything else can match no row (returned as null, which SQL matches to nothing). */
export function dbId(id: string | null | undefined): string | null {
  return typeof id === 'string' && /^\d{1,18}$/.test(id) ? id : null;
}
