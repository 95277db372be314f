import { daysInMonth } from '../common/gregorian.js';

/**
 * Calendar arithmetic on whole UTC days, for the dates the treaties' clauses compute (docs/design.md
 * §6: "computed dates are whole UTC days"). A UTC day is always 86 400 000 ms in JavaScript's
 * time (no leap seconds, no daylight saving), so days are plain arithmetic; months need the
 * calendar.
 */

/** One UTC day in JavaScript's time. */
export const DAY_MS = 24 * 60 * 60 * 1000;

const dayOf = (date: Date) => Math.floor(date.getTime() / DAY_MS) * DAY_MS;

/** Midnight UTC of the day `date` falls on. */
export function startOfUtcDay(date: Date): Date {
  return new Date(dayOf(date));
}

/** The UTC day `n` calendar days after the day `day` falls on (before it, for a negative `n`). */
export function addDays(day: Date, n: number): Date {
  assertWhole(n, 'days');
  return new Date(dayOf(day) + n * DAY_MS);
}

/** The first day of the month after the month `day` falls on (from the 1st too: the next 1st). */
export function firstDayOfNextMonth(day: Date): Date {
  return utcDay(day.getUTCFullYear(), day.getUTCMonth() + 1, 1);
}

/**
 * The UTC day `n` calendar months after the day `day` falls on: the same day of the month, or the
 * last day of the month when it is shorter (31 January + 1 month = 28 or 29 February, 29 February
 * + 12 months = 28 February), as periods in months are read in law (e.g. Regulation 1182/71 art
 * 3(2)(c)) rather than JavaScript's overflow into the next month.
 */
export function addMonths(day: Date, n: number): Date {
  assertWhole(n, 'months');
  const months = day.getUTCFullYear() * 12 + day.getUTCMonth() + n;
  const year = Math.floor(months / 12);
  const month = months - year * 12;
  const lastDay = daysInMonth(year, month + 1);
  return utcDay(year, month, Math.min(day.getUTCDate(), lastDay));
}

/** Like `Date.UTC`, without its reading of years 0 to 99 as 1900 to 1999; overflow rolls over. */
function utcDay(year: number, month: number, date: number): Date {
  const day = new Date(0);
  day.setUTCFullYear(year, month, date);
  return day;
}

function assertWhole(n: number, unit: string): void {
  if (!Number.isInteger(n)) {
    throw new RangeError(`expected a whole number of ${unit}, got ${n}`);
  }
}
