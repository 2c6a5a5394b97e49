import { badInput } from '../../../common/errors/app-error';
import { Queryable, rows, sqlRows } from '../../../db/sql';
import { param, sql } from '../../../db/sql-tag';

export enum Interval {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
}
export enum Weekday {
  MONDAY = 'MONDAY',
  TUESDAY = 'TUESDAY',
  WEDNESDAY = 'WEDNESDAY',
  THURSDAY = 'THURSDAY',
  FRIDAY = 'FRIDAY',
  SATURDAY = 'SATURDAY',
  SUNDAY = 'SUNDAY',
}

/** Allow-listed SQL for each interval: date_trunc unit and step (never client text). */
const UNITS: Record<Interval, { unit: string; step: string }> = {
  [Interval.DAY]: { unit: 'day', step: '1 day' },
  [Interval.WEEK]: { unit: 'week', step: '1 week' },
  [Interval.MONTH]: { unit: 'month', step: '1 month' },
  [Interval.QUARTER]: { unit: 'quarter', step: '3 months' },
};
const WEEKDAYS = Object.values(Weekday);
export const MAX_BUCKETS = 400;

export interface Bucket {
  start: Date;
  end: Date;
}

let zones: Promise<Set<string>> | null = null;

/**
 * The server's IANA zone names, read once per process: pg_timezone_names reads the zone files on every call (≈ 20 ms
 * here), too slow to pay per request.
 */
function zoneNames(db: Queryable): Promise<Set<string>> {
  zones ??= rows<{ name: string }>(db, `SELECT name FROM pg_timezone_names`).then((r) => new Set(r.map((z) => z.name)));
  zones.catch(() => (zones = null));
  return zones;
}

/**
 * Calendar buckets of [from, to) cut in an IANA time zone by PostgreSQL (so DST days are 23 or 25 hours), weeks
 * starting on weekStart (date_trunc('week') is Monday-based: shift by k days, truncate, shift back). The first and last
 * buckets are clipped to [from, to), so the buckets partition the range.
 */
export async function calendarBuckets(
  db: Queryable,
  from: Date,
  to: Date,
  interval: Interval,
  timeZone: string,
  weekStart: Weekday,
): Promise<Bucket[]> {
  if (!(await zoneNames(db)).has(timeZone))
    throw badInput(`Unknown IANA time zone ${JSON.stringify(timeZone)}`, 'timeZone');
  const { unit, step } = UNITS[interval];
  const shift = interval === Interval.WEEK ? (7 - WEEKDAYS.indexOf(weekStart)) % 7 : 0;
  const [f, t, zone, days, stepBy] = [param(from), param(to), param(timeZone), param(shift), param(step)];
  const buckets = await sqlRows<Bucket>(
    db,
    sql`
    SELECT greatest(b AT TIME ZONE ${zone}, ${f}) AS start, least((b + ${stepBy}::interval) AT TIME ZONE ${zone}, ${t}) AS "end"
    FROM generate_series(
      date_trunc('${unit}', (${f}::timestamptz AT TIME ZONE ${zone}) + make_interval(days => ${days})) - make_interval(days => ${days}),
      ${t}::timestamptz AT TIME ZONE ${zone}, ${stepBy}::interval) AS b
    WHERE b AT TIME ZONE ${zone} < ${t} AND (b + ${stepBy}::interval) AT TIME ZONE ${zone} > ${f}
    ORDER BY b
    LIMIT ${MAX_BUCKETS + 1}`,
  );
  if (buckets.length > MAX_BUCKETS)
    throw badInput(`At most ${MAX_BUCKETS} buckets per series; use a larger interval`, 'interval');
  return buckets;
}
