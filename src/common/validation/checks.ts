import { badInput } from '../errors/app-error';

/** Events may be recorded up to this far in the future (clock skew between systems). */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
export const MAX_AMOUNT = 1e15;
const EARLIEST = Date.UTC(1970, 0, 1);

/** A UTF-16 surrogate without its pair: text no UTF-8 encoder can write as it was given (it would become U+FFFD). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as given (a NUL, or a lone surrogate), or null when it can. */
export function unstorableText(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
  return null;
}

/**
 * The first string anywhere in a value (an input object, a list, a variable) that cannot be stored as given, with its
 * path (`leadExternalIds[2]`, `input[3].name`); null when every string is fine. Own keys only.
 */
export function findUnstorableText(value: unknown, path = ''): { field: string; why: string } | null {
  if (typeof value === 'string') {
    const why = unstorableText(value);
    return why ? { field: path, why } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorableText(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const key of Object.keys(value)) {
      const hit = findUnstorableText((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (hit) return hit;
    }
  }
  return null;
}

export function checkText(value: string | null | undefined, field: string, max = 1000): void {
  if (value == null) return;
  const why = unstorableText(value);
  if (why) throw badInput(`${field} ${why}`, field);
  if (value.length > max) throw badInput(`${field} is longer than ${max} characters`, field);
}

export function checkExternalId(value: string, field = 'externalId'): void {
  if (value.trim() === '') throw badInput(`${field} must not be empty`, field);
  checkText(value, field, 255);
}

export function checkAmount(value: number | null | undefined, field: string): void {
  if (value == null) return;
  if (!Number.isFinite(value)) throw badInput(`${field} must be a finite number`, field);
  if (value < 0) throw badInput(`${field} must not be negative`, field);
  if (value > MAX_AMOUNT) throw badInput(`${field} must be at most ${MAX_AMOUNT}`, field);
}

/** A business-time instant: a real date, not before 1970, not more than 5 minutes in the future. */
export function checkInstant(value: Date | null | undefined, field: string, now: Date): void {
  if (value == null) return;
  const t = value.getTime();
  if (!Number.isFinite(t)) throw badInput(`${field} is not a valid instant`, field);
  if (t < EARLIEST) throw badInput(`${field} is before 1970`, field);
  if (t > now.getTime() + FUTURE_TOLERANCE_MS) throw badInput(`${field} is in the future`, field);
}

/** A planning date (expected close, campaign dates): any real date between 1970 and 2200. */
export function checkDate(value: Date | null | undefined, field: string): void {
  if (value == null) return;
  const t = value.getTime();
  if (!Number.isFinite(t) || t < EARLIEST || t > Date.UTC(2200, 0, 1))
    throw badInput(`${field} is out of range`, field);
}

export function checkEmail(value: string | null | undefined, field: string): void {
  if (value == null) return;
  checkText(value, field, 320);
  if (!/^[^\s@]+@[^\s@]+$/.test(value)) throw badInput(`${field} is not an email address`, field);
}

export function checkNonNegativeInt(value: number | null | undefined, field: string): void {
  if (value == null) return;
  if (!Number.isInteger(value) || value < 0) throw badInput(`${field} must be a whole number ≥ 0`, field);
}

/** True when the input object carries the key at all (explicit null counts; omitted does not). */
export const has = <T extends object>(input: T, key: keyof T): boolean =>
  Object.prototype.hasOwnProperty.call(input, key);

/**
 * Fields a create needs and an update may leave out (partial updates by external id): given as null they would clear
 * something the record cannot be without, so null is refused; a given name must not be blank.
 */
export function checkKeptFields<T extends object>(item: T, fields: readonly (keyof T & string)[]): void {
  for (const f of fields) {
    if (has(item, f) && item[f] === null) throw badInput(`${f} cannot be cleared`, f);
    const v = item[f];
    if (typeof v === 'string' && v.trim() === '') throw badInput(`${f} must not be empty`, f);
  }
}
