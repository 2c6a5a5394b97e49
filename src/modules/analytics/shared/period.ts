import { badInput } from '../../../common/errors/app-error';
import { dbId } from '../../../common/graphql/ids';

export const DAY_SECONDS = 86_400;

/** Is the instant at a UTC midnight (a whole UTC day boundary)? */
export const isUtcMidnight = (d: Date) => d.getTime() % (DAY_SECONDS * 1000) === 0;

/** A validated [from, to) period and its asOf (default: now). */
export function checkPeriod(from: Date, to: Date, asOf: Date | null | undefined, now = new Date()): { from: Date; to: Date; asOf: Date } {
  for (const [name, d] of [['from', from], ['to', to], ['asOf', asOf]] as const) {
    if (d && !Number.isFinite(d.getTime())) throw badInput(`${name} is not a valid instant`, name);
  }
  if (to <= from) throw badInput('to must be after from', 'to');
  return { from, to, asOf: asOf ?? now };
}

/** Conversion window in seconds (exact days of 86,400 s); null when not given. */
export function windowSeconds(days: number | null | undefined, field = 'conversionWindowDays'): number | null {
  if (days == null) return null;
  if (!Number.isFinite(days) || days <= 0 || days > 36_500) throw badInput(`${field} must be a number of days from 0 to 36500`, field);
  return days * DAY_SECONDS;
}

/** Owner ids as bigint strings; an id that cannot exist matches nothing. */
export function ownerFilter(ids: string[] | null | undefined): string[] | null {
  return ids == null ? null : ids.map((id) => dbId(id) ?? '0');
}
