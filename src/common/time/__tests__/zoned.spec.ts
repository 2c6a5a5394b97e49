import { startOfDayIn } from '../zoned';

describe('startOfDayIn', () => {
  it.each([
    ['2026-01-01', 'UTC', '2026-01-01T00:00:00.000Z'],
    ['2026-03-01', 'Europe/Berlin', '2026-02-28T23:00:00.000Z'], // winter: UTC+1
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'], // the DST day starts before the change at 02:00
    ['2026-03-30', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'], // summer: UTC+2
    ['2026-10-25', 'Europe/Berlin', '2026-10-24T22:00:00.000Z'], // back to winter later that day
    ['2026-10-26', 'Europe/Berlin', '2026-10-25T23:00:00.000Z'],
    ['2026-01-01', 'America/New_York', '2026-01-01T05:00:00.000Z'],
    ['2026-01-01', 'Asia/Kolkata', '2025-12-31T18:30:00.000Z'],
  ])('%s in %s starts at %s', (date, zone, want) => {
    expect(startOfDayIn(date, zone)?.toISOString()).toBe(want);
  });

  it('null for what is not a date, or an unknown zone', () => {
    expect(startOfDayIn('2026-02-30', 'UTC')).toBeNull();
    expect(startOfDayIn('2026-1-1', 'UTC')).toBeNull();
    expect(startOfDayIn('2026-01-01', 'Mars/Olympus')).toBeNull();
  });
});
