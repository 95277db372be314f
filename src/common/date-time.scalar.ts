import { GraphQLError, GraphQLScalarType, Kind, print } from 'graphql';
import { daysInMonth, MONTH_NAMES } from './gregorian.js';

/**
 * The API's `DateTime`, in place of Nest's GraphQLISODateTime, which hands any string to
 * `new Date()`: that one turns 2024-02-30 into March 1st and takes "March 7, 2021" or "2021".
 */

/**
 * The shape only; each field is checked afterwards, so that a refusal can say which one is wrong.
 * The year may be written with six digits and a sign (as `toISOString()` writes far years), only
 * to be refused by name.
 */
const SHAPE =
  /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;

const EXAMPLE = '2019-12-03T09:54:33Z';

/** A value as a message shows it: strings quoted, so that "" and " " can be told apart. */
function shown(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

function refusal(value: unknown, reason: string): GraphQLError {
  return new GraphQLError(`DateTime cannot represent ${shown(value)}: ${reason}`);
}

/**
 * Reads an RFC 3339 date-time (`YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z` or `±HH:MM`; seconds
 * may be left out, as ISO 8601 allows) or a plain date `YYYY-MM-DD`, taken as midnight UTC.
 * Of a fraction, milliseconds are kept and the rest dropped. Throws a GraphQLError that names the
 * value and what is wrong with it: a day the month does not have (leap years by the Gregorian
 * rule), a month, hour, minute or second out of range (no leap seconds), an offset beyond ±23:59,
 * a year outside 0001–9999 (as written, or at UTC), a time without a zone, or any other shape.
 */
export function parseDateTime(text: string): Date {
  const match = SHAPE.exec(text);
  if (!match) {
    throw refusal(
      text,
      `expected an ISO 8601 date-time with a zone, such as ${EXAMPLE} or 2019-12-03T18:54:33+09:00, or a date such as 2019-12-03`,
    );
  }
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction, zone] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (year < 1 || year > 9999) {
    throw refusal(text, `year ${yearText} is outside 0001–9999`);
  }
  if (month < 1 || month > 12) {
    throw refusal(text, `there is no month ${monthText}`);
  }
  if (day < 1) {
    throw refusal(text, `there is no day ${dayText}`);
  }
  if (day > daysInMonth(year, month)) {
    throw refusal(
      text,
      `${MONTH_NAMES[month - 1]} ${yearText} has ${daysInMonth(year, month)} days`,
    );
  }

  const date = new Date(0);
  // Not Date.UTC, which reads the years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  if (hourText === undefined) {
    return date;
  }

  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText ?? '0');
  if (hour > 23) {
    throw refusal(text, `hour ${hourText} is past 23`);
  }
  if (minute > 59) {
    throw refusal(text, `minute ${minuteText} is past 59`);
  }
  if (second > 59) {
    throw refusal(text, `second ${secondText} is past 59 (leap seconds are not accepted)`);
  }
  if (zone === undefined) {
    throw refusal(text, 'the time has no zone: end it with Z or an offset such as +09:00');
  }
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMinutesPart = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetMinutesPart > 59) {
      throw refusal(text, `the offset ${zone} is beyond ±23:59`);
    }
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMinutesPart);
  }
  const milliseconds = Number((fraction ?? '').slice(0, 3).padEnd(3, '0'));
  // The minutes overflow into hours and days as needed: 00:30+01:00 is 23:30 the day before.
  date.setUTCHours(hour, minute - offsetMinutes, second, milliseconds);

  const utcYear = date.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) {
    throw refusal(text, `at UTC it falls in the year ${utcYear}, outside 0001–9999`);
  }
  return date;
}

export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format. Taken with any offset (2019-12-03T18:54:33+09:00) or as a date alone (2019-12-03, midnight UTC); a date that does not exist, such as 2024-02-30, is refused. Always returned at UTC, with milliseconds.',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) {
      return value.toISOString();
    }
    throw refusal(value, 'expected a valid Date');
  },
  parseValue(value) {
    if (typeof value !== 'string') {
      throw refusal(value, `expected a string such as "${EXAMPLE}"`);
    }
    return parseDateTime(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError(
        `DateTime cannot represent ${print(ast)}: expected a string such as "${EXAMPLE}"`,
        { nodes: ast },
      );
    }
    try {
      return parseDateTime(ast.value);
    } catch (error) {
      // The same refusal, pointing at the literal in the query.
      throw new GraphQLError((error as GraphQLError).message, { nodes: ast });
    }
  },
});
