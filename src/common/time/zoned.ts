/** A calendar date written without a time (YYYY-MM-DD). */
export const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The zone's offset from UTC at instant `t` (ms): local wall time − UTC. Throws RangeError for an unknown zone. */
function offsetMs(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const get = (k: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === k)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * The instant a calendar date starts in an IANA time zone (its local midnight; after a DST gap at midnight, the first
 * instant of the day): `2026-03-01` in Europe/Berlin is 2026-02-28T23:00:00Z. Null when the text is not a real date
 * or the zone is unknown.
 */
export function startOfDayIn(date: string, timeZone: string): Date | null {
  const m = DATE_ONLY.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const wall = Date.UTC(y, mo - 1, d);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  try {
    let t = wall - offsetMs(wall, timeZone);
    t = wall - offsetMs(t, timeZone); // the offset at the instant itself (a DST change between the two guesses)
    return new Date(t);
  } catch {
    return null;
  }
}
