import {
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
  type Type,
  type ValidationError,
} from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  isISO31661Alpha2,
  IsNumber,
  Max,
  MaxDate,
  Matches,
  Min,
  MinDate,
  validate,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { DomainError } from './domain-error.js';

/** Validation at the edge: decorators shared by inputs, and the pipe that applies them. */

/** Trims surrounding whitespace from a string input. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Upper-cases and trims a string input (party codes); with `each`, every string of a list. */
export const UpperCase = ({ each = false } = {}) =>
  Transform(({ value }: { value: unknown }) => {
    const upper = (item: unknown) => (typeof item === 'string' ? item.trim().toUpperCase() : item);
    return each && Array.isArray(value) ? value.map(upper) : upper(value);
  });

/** Text without control characters; `multiline` allows line breaks and tabs. */
export const IsPlainText = ({ multiline = false, each = false } = {}) =>
  Matches(multiline ? /^(?:[^\p{Cc}]|[\n\r\t])*$/u : /^[^\p{Cc}]*$/u, {
    each,
    message: multiline
      ? '$property must not contain control characters other than line breaks and tabs'
      : '$property must not contain control characters or line breaks',
  });

/**
 * Codes a party may have: ISO 3166-1 alpha-2, plus two in common treaty use that ISO reserves
 * rather than assigns: EU (the European Union) and XK (Kosovo).
 */
const EXTRA_PARTY_CODES = new Set(['EU', 'XK']);

export function isPartyCode(value: unknown): value is string {
  return typeof value === 'string' && (isISO31661Alpha2(value) || EXTRA_PARTY_CODES.has(value));
}

export const IsPartyCode = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isPartyCode',
      validator: {
        validate: isPartyCode,
        defaultMessage: () =>
          '$property must be an ISO 3166-1 alpha-2 country code such as US or KR (or EU, XK)',
      },
    },
    options,
  );

/**
 * How many digits a number has after the decimal point, exponent notation included
 * (`6e-323` has 323). class-validator's own `maxDecimalPlaces` throws on such numbers.
 */
export function decimalPlaces(value: number): number {
  const [mantissa, exponent = '0'] = String(Math.abs(value)).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** A finite number with at most `places` digits after the decimal point. */
export const MaxDecimalPlaces = (places: number, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'maxDecimalPlaces',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isFinite(value) && decimalPlaces(value) <= places,
        defaultMessage: () => `$property must be a number with at most ${places} decimal places`,
      },
    },
    options,
  );

/** A percentage: a finite number from 0 to 100, with at most `places` decimal places. */
export function IsPercentage(places: number): PropertyDecorator {
  return (target, property) => {
    IsNumber({ allowNaN: false, allowInfinity: false })(target, property);
    Min(0)(target, property);
    Max(100)(target, property);
    MaxDecimalPlaces(places)(target, property);
  };
}

/** Real-world dates: from 1800 on, and not in the future (a few minutes of clock skew allowed). */
export const EARLIEST_DATE = new Date('1800-01-01T00:00:00Z');
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The latest date a treaty clause may name (an entry into force, an expiry, a withdrawal). */
export const LATEST_DATE = new Date('2999-12-31T23:59:59.999Z');

/**
 * A real-world date: from 1800 on, and not in the future; with `future`, a date a treaty or a
 * notice names, which may lie ahead (up to the year 2999).
 */
export function IsWorldDate(options: { future?: boolean } = {}): PropertyDecorator {
  return (target, property) => {
    MinDate(EARLIEST_DATE, { message: '$property must be on or after 1800-01-01' })(
      target,
      property,
    );
    if (options.future) {
      MaxDate(LATEST_DATE, { message: '$property must be before the year 3000' })(target, property);
      return;
    }
    MaxDate(() => new Date(Date.now() + CLOCK_SKEW_MS), {
      message: '$property must not be in the future',
    })(target, property);
  };
}

/** Flattens class-validator's tree into `{ "parties.1.code": "message; message" }`. */
export function fieldErrors(errors: ValidationError[], prefix = ''): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      fields[path] = Object.values(error.constraints).join('; ');
    }
    Object.assign(fields, fieldErrors(error.children ?? [], path));
  }
  return fields;
}

/** What GraphQL has already coerced, and which carries no rules of its own. */
const PLAIN_TYPES = new Set<unknown>([String, Number, Boolean, Array, Object, Date]);

/**
 * In `u` mode, matches a surrogate only when it is not one half of a pair. JSON's `\ud800`
 * escapes let such strings in, and the databases would store U+FFFD in their place, so that the
 * log and the live event (which carries the string as received) would disagree.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Refuses `value` if any of its strings, at any depth, is not well-formed Unicode, naming each
 * by its path below `path` in the dotted form of `fieldErrors` (`parties.1.name`). One walk, that
 * goes only where a string may be.
 */
function assertWellFormed(value: unknown, path: string): void {
  const fields: Record<string, string> = {};
  const walk = (item: unknown, at: string) => {
    if (typeof item === 'string') {
      if (LONE_SURROGATE.test(item)) {
        fields[at] = `${at} must be well-formed Unicode (it contains a lone surrogate)`;
      }
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        if (typeof child === 'string' || typeof child === 'object') {
          walk(child, at ? `${at}.${key}` : key);
        }
      }
    }
  };
  walk(value, path);
  if (Object.keys(fields).length > 0) {
    throw DomainError.badInput(fields);
  }
}

/**
 * The pipe for every resolver argument: builds the input class (so its @Transform rules apply),
 * validates it, and names each bad field. Plain values, which GraphQL has already coerced, are
 * only checked to be well-formed Unicode (named by the argument's name); what custom decorators
 * supply (the principal) passes as it is.
 *
 * Nest's own ValidationPipe does the same and more (prototype keys, binary values, sparse
 * arrays) for bodies parsed from any JSON; GraphQL builds these values from the schema's input
 * types, which can hold none of those, and the extra walks cost a tenth of a write.
 */
@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, { metatype, type, data }: ArgumentMetadata): Promise<unknown> {
    if (type === 'custom' || value == null) {
      return value;
    }
    if (!metatype || PLAIN_TYPES.has(metatype)) {
      assertWellFormed(value, data ?? '');
      return value;
    }
    return (
      passedBefore(metatype as Type<object>, value) ?? validated(metatype as Type<object>, value)
    );
  }
}

/** How many argument sets of scalars that passed are remembered, for all classes together. */
const MAX_PASSED = 1000;
const passed = new Map<Type<object>, Map<string, object>>();
let passedCount = 0;

/**
 * A new instance of `type` with the values that `plain` gave when it last passed validation,
 * when `plain` holds scalars only (the arguments of reads: an id, `first`, `after`), so that a
 * read asked again is not built and validated again. Whether such arguments pass depends on
 * them alone: a rule that reads the clock applies to dates, which are objects here and never
 * remembered. Undefined when not seen yet, and then remembered if it passes.
 */
function passedBefore(type: Type<object>, plain: unknown): Promise<object> | undefined {
  if (typeof plain !== 'object' || plain === null) {
    return undefined;
  }
  const values = Object.values(plain);
  if (values.some((value) => typeof value === 'object' && value !== null)) {
    return undefined;
  }
  const key = JSON.stringify(plain);
  const seen = passed.get(type)?.get(key);
  if (seen) {
    return Promise.resolve(Object.assign(new type(), seen));
  }
  return validated(type, plain).then((instance) => {
    if (passedCount >= MAX_PASSED) {
      passed.clear();
      passedCount = 0;
    }
    const ofType = passed.get(type) ?? new Map<string, object>();
    passed.set(type, ofType);
    ofType.set(key, { ...instance });
    passedCount += 1;
    return instance;
  });
}

/**
 * Builds `type` from `plain` and validates it: for the pipe, and for the command line. A string
 * that is not well-formed Unicode is refused first, as no rule of the class could be applied to
 * it in earnest.
 */
export async function validated<T extends object>(type: Type<T>, plain: object): Promise<T> {
  assertWellFormed(plain, '');
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance);
  if (errors.length > 0) {
    throw DomainError.badInput(fieldErrors(errors));
  }
  return instance;
}
