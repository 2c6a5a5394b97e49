import { badInput } from '../../../common/errors/app-error';
import { dbId } from '../../../common/graphql/ids';

export const DAY_SECONDS = 86_400;

/** Is the instant at a UTC midnight (a whole UTC day boundary)? */
export const isUtcMidnight = (d: Date) => d.getTime() % (DAY_SECONDS * 1000) === 0;

/** The input's own names for a period's bounds (`periodStart`/`periodEnd` on a KPI target), for messages and `field`. */
export interface PeriodFields {
  from: string;
  to: string;
  /** Prefix of the message, e.g. `input[2].` */
  at?: string;
}

/** A validated [from, to) period and its asOf (default: now); errors name the input's own fields. */
export function checkPeriod(
  from: Date,
  to: Date,
  asOf: Date | null | undefined,
  now = new Date(),
  names: PeriodFields = { from: 'from', to: 'to' },
): { from: Date; to: Date; asOf: Date } {
  for (const [name, d] of [
    [names.from, from],
    [names.to, to],
    ['asOf', asOf],
  ] as const) {
    if (d && !Number.isFinite(d.getTime())) throw badInput(`${names.at ?? ''}${name} is not a valid instant`, name);
  }
  if (to <= from) throw badInput(`${names.at ?? ''}${names.to} must be after ${names.from}`, names.to);
  return { from, to, asOf: asOf ?? now };
}

/** Conversion window in seconds (exact days of 86,400 s); null when not given. */
export function windowSeconds(days: number | null | undefined, field = 'conversionWindowDays'): number | null {
  if (days == null) return null;
  if (!Number.isFinite(days) || days <= 0 || days > 36_500)
    throw badInput(`${field} must be a number of days from 0 to 36500`, field);
  return days * DAY_SECONDS;
}

/** Owner ids as bigint strings; an id that cannot exist matches nothing. */
export function ownerFilter(ids: string[] | null | undefined): string[] | null {
  return ids == null ? null : ids.map((id) => dbId(id) ?? '0');
}

/** A response SLA in hours: above 0, at most a leap year. */
export function checkSlaHours(hours: number, field = 'slaHours'): number {
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 366)
    throw badInput(`${field} must be a number of hours from 0 to 8784`, field);
  return hours;
}
