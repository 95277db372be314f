/**
 * An agreement's own entry-into-force clause (docs/design.md §6): the rule, its validation, the day its
 * condition is met, the date it enters into force, when it binds a party that consents later, and
 * when a withdrawal takes effect. Pure: no Nest, TypeORM or GraphQL, and no clock.
 */

import { addDays, addMonths, firstDayOfNextMonth, startOfUtcDay } from './calendar.js';

export enum EntryIntoForceKind {
  /** An admin performs ENTER_INTO_FORCE; nothing is computed. */
  MANUAL = 'MANUAL',
  /** Every party has consented (an exchange of instruments, mutual notifications). */
  ALL_PARTIES = 'ALL_PARTIES',
  /** A number of consents, optionally a share of weights and named parties among them. */
  THRESHOLD = 'THRESHOLD',
  /** In force on a given date once RATIFIED. */
  FIXED_DATE = 'FIXED_DATE',
}

/** The clause as stored and as `EntryIntoForceRuleInput` carries it; null is the same as absent. */
export interface EntryIntoForceRule {
  readonly kind: EntryIntoForceKind;
  /** THRESHOLD: how many consents it takes. */
  readonly instruments?: number | null;
  /** THRESHOLD: the weights of the consenting parties must add up to at least this, in (0, 100]. */
  readonly share?: number | null;
  /** THRESHOLD: parties that must be among the consents, whatever the count. */
  readonly requiredParties?: readonly string[] | null;
  /** Calendar days from the day the condition is met to entry into force (default 0). */
  readonly daysAfter?: number | null;
  /** Entry into force on the first day of the month after the day `daysAfter` reaches. */
  readonly monthStart?: boolean | null;
  /** FIXED_DATE: the date, taken as given, to the second. */
  readonly date?: Date | null;
  /** For a party consenting on or after the date of entry into force (default `daysAfter`). */
  readonly laterDaysAfter?: number | null;
  /** For a party consenting on or after the date of entry into force (default `monthStart`). */
  readonly laterMonthStart?: boolean | null;
}

type RuleField = Exclude<keyof EntryIntoForceRule, 'kind'>;

/** The default rule: today's behaviour, an admin performs ENTER_INTO_FORCE. */
export const DEFAULT_ENTRY_INTO_FORCE_RULE: EntryIntoForceRule = {
  kind: EntryIntoForceKind.MANUAL,
};

/**
 * The fields each kind takes; any other field given is refused rather than ignored, so that a
 * stored rule never shows a number that plays no part. MANUAL computes nothing and takes none.
 * FIXED_DATE fixes the date itself, so `daysAfter`/`monthStart` would contradict it, but a treaty
 * in force on a fixed date may still bind later parties some days after their own consent.
 */
export const ENTRY_INTO_FORCE_FIELDS: Readonly<Record<EntryIntoForceKind, readonly RuleField[]>> = {
  [EntryIntoForceKind.MANUAL]: [],
  [EntryIntoForceKind.ALL_PARTIES]: [
    'daysAfter',
    'monthStart',
    'laterDaysAfter',
    'laterMonthStart',
  ],
  [EntryIntoForceKind.THRESHOLD]: [
    'instruments',
    'share',
    'requiredParties',
    'daysAfter',
    'monthStart',
    'laterDaysAfter',
    'laterMonthStart',
  ],
  [EntryIntoForceKind.FIXED_DATE]: ['date', 'laterDaysAfter', 'laterMonthStart'],
};

const RULE_FIELDS: readonly RuleField[] = [
  'instruments',
  'share',
  'requiredParties',
  'daysAfter',
  'monthStart',
  'date',
  'laterDaysAfter',
  'laterMonthStart',
];

/** VCLT art 56(2): not less than twelve months' notice. */
export const DEFAULT_WITHDRAWAL_NOTICE_MONTHS = 12;

/** Ten years: the longest delay a treaty could plausibly set; more is a typing slip. */
export const MAX_DAYS_AFTER = 3650;

/**
 * No agreement can have more parties than there are party codes (ISO 3166-1 assigns 249, plus EU
 * and XK), so a larger threshold could never be met. Fewer parties than `instruments` today is
 * fine: an open treaty waits for states that have not joined yet.
 */
export const MAX_INSTRUMENTS = 300;

const PREFIX = 'entryIntoForce';

/**
 * The rule's errors for an agreement with these parties, keyed by dotted field path
 * (`entryIntoForce.instruments`) as `DomainError.badInput` takes them; empty when the rule is
 * valid. Run it again whenever the parties change, since a `share` needs every party's weight.
 */
export function validateEntryIntoForceRule(
  rule: EntryIntoForceRule,
  parties: readonly { readonly code: string; readonly weight?: number | null }[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  const refuse = (field: RuleField | 'kind', message: string) => {
    const key = `${PREFIX}.${field}`;
    errors[key] = errors[key] ? `${errors[key]}; ${message}` : message;
  };

  const fields = ENTRY_INTO_FORCE_FIELDS[rule.kind] as readonly RuleField[] | undefined;
  if (!fields) {
    refuse('kind', `must be one of ${Object.values(EntryIntoForceKind).join(', ')}`);
    return errors;
  }
  for (const field of RULE_FIELDS) {
    if (rule[field] != null && !fields.includes(field)) {
      refuse(field, notApplicable(field, rule.kind));
    }
  }

  if (rule.kind === EntryIntoForceKind.THRESHOLD) {
    if (rule.instruments == null) {
      refuse(
        'instruments',
        'THRESHOLD needs instruments, the number of consents that brings it into force',
      );
    } else if (!isWholeIn(rule.instruments, 1, MAX_INSTRUMENTS)) {
      refuse(
        'instruments',
        `must be a whole number from 1 to ${MAX_INSTRUMENTS}, and is ${rule.instruments}`,
      );
    }
    if (rule.share != null) {
      shareErrors(rule.share, parties).forEach((message) => refuse('share', message));
    }
    if (rule.requiredParties != null) {
      requiredPartiesErrors(rule.requiredParties, parties).forEach((message) =>
        refuse('requiredParties', message),
      );
    }
  }

  if (rule.kind === EntryIntoForceKind.FIXED_DATE) {
    if (rule.date == null) {
      refuse('date', 'FIXED_DATE needs date, the day it enters into force');
    } else if (!(rule.date instanceof Date) || Number.isNaN(rule.date.getTime())) {
      refuse('date', 'must be a valid date');
    }
  }

  for (const field of ['daysAfter', 'laterDaysAfter'] as const) {
    const days = rule[field];
    if (days != null && fields.includes(field) && !isWholeIn(days, 0, MAX_DAYS_AFTER)) {
      refuse(field, `must be a whole number of days from 0 to ${MAX_DAYS_AFTER}, and is ${days}`);
    }
  }
  return errors;
}

function notApplicable(field: RuleField, kind: EntryIntoForceKind): string {
  if (kind === EntryIntoForceKind.MANUAL) {
    return `MANUAL computes nothing (an admin performs ENTER_INTO_FORCE): leave ${field} out, or choose the kind that uses it`;
  }
  switch (field) {
    case 'instruments':
    case 'share':
    case 'requiredParties':
      return kind === EntryIntoForceKind.ALL_PARTIES
        ? `${field} belongs to THRESHOLD; ALL_PARTIES already needs every party`
        : `${field} belongs to THRESHOLD; ${kind} enters into force on its date`;
    case 'date':
      return `date belongs to FIXED_DATE; under ${kind} the date is computed from the consents`;
    default:
      return `FIXED_DATE enters into force on date itself, which ${field} would contradict (for parties consenting later, use laterDaysAfter and laterMonthStart)`;
  }
}

function shareErrors(
  share: number,
  parties: readonly { readonly code: string; readonly weight?: number | null }[],
): string[] {
  if (!(Number.isFinite(share) && share > 0 && share <= 100)) {
    return [`is a percentage: more than 0 and at most 100, and is ${share}`];
  }
  const errors: string[] = [];
  const unweighted = parties.filter((party) => party.weight == null).map((party) => party.code);
  if (unweighted.length > 0) {
    errors.push(
      `a share needs a weight for every party, and ${list(unweighted)} ${unweighted.length === 1 ? 'has' : 'have'} none`,
    );
  }
  const outOfRange = parties.filter(
    (party) =>
      party.weight != null &&
      !(Number.isFinite(party.weight) && party.weight >= 0 && party.weight <= 100),
  );
  if (outOfRange.length > 0) {
    errors.push(
      `weights are percentages from 0 to 100, and ${outOfRange
        .map((party) => `${party.code} has ${party.weight}`)
        .join(', ')}`,
    );
  }
  return errors;
}

function requiredPartiesErrors(
  required: readonly string[],
  parties: readonly { readonly code: string }[],
): string[] {
  const errors: string[] = [];
  const twice = [...new Set(required.filter((code, i) => required.indexOf(code) !== i))];
  if (twice.length > 0) {
    errors.push(`lists ${list(twice)} more than once`);
  }
  const codes = new Set(parties.map((party) => party.code));
  const unknown = [...new Set(required.filter((code) => !codes.has(code)))];
  if (unknown.length > 0) {
    errors.push(
      `${list(unknown)} ${unknown.length === 1 ? 'is not a party' : 'are not parties'} of this agreement: add ${unknown.length === 1 ? 'it' : 'them'} first (addParty), or check the codes`,
    );
  }
  return errors;
}

const list = (codes: readonly string[]) => codes.join(', ');

const isWholeIn = (value: number, min: number, max: number) =>
  Number.isInteger(value) && value >= min && value <= max;

/** A party's consent as the rule counts it. */
export interface ConsentRecord {
  readonly code: string;
  /** Counted towards a `share`; a missing weight counts as 0. */
  readonly weight?: number | null;
  /** Real-world date of its consent to be bound; null while it has not consented. */
  readonly consentedAt: Date | null;
  /**
   * The day its consent stopped counting (its withdrawal took effect). A date on or before the
   * day of `consentedAt` ended an earlier consent and does not touch this one.
   */
  readonly withdrawnAt?: Date | null;
}

/** The progress docs/design.md §6 shows as `Agreement.entryIntoForce` (besides the rule itself). */
export interface EntryIntoForceProgress {
  /** Parties whose consent counts now. */
  readonly consents: number;
  /** Sum of their weights, when the rule has a `share`; otherwise null. */
  readonly share: number | null;
  /** THRESHOLD: required codes not counting now; ALL_PARTIES: every such party; else empty. */
  readonly missingParties: string[];
  /** The day the condition was first met (a whole UTC day); null if it has not been. */
  readonly conditionMetAt: Date | null;
  /** The date of entry into force, when it follows from the rule and the consents. */
  readonly date: Date | null;
}

export interface EvaluationOptions {
  /** Leave out consents and withdrawals dated after this moment (default: none left out). */
  readonly asOf?: Date;
}

/**
 * Weights are summed in millionths of a percentage point, as integers, so that the sum does not
 * depend on the order of the additions and 55.00 reached by many small weights is 55.
 */
const SHARE_UNITS = 1_000_000;
const toUnits = (weight: number | null | undefined) => Math.round((weight ?? 0) * SHARE_UNITS);

interface Change {
  readonly day: number;
  readonly party: ConsentRecord;
  readonly delta: 1 | -1;
}

/**
 * Where the rule stands for these consents. The condition is met on the real-world day of the
 * consent that completes it, whatever the order of the input: consents are walked in date order,
 * a day at a time, so that consents of one day count together and a withdrawal counts from its
 * own day. Once met, the condition stays met: a later withdrawal changes the counts, not the
 * day. A state that withdrew and consented again may appear once per consent (the same code),
 * which keeps the day its first consent helped to meet right; it is counted once at a time.
 */
export function evaluateEntryIntoForce(
  rule: EntryIntoForceRule,
  parties: readonly ConsentRecord[],
  options: EvaluationOptions = {},
): EntryIntoForceProgress {
  const asOf = options.asOf?.getTime() ?? Infinity;
  const weighted = rule.kind === EntryIntoForceKind.THRESHOLD && rule.share != null;
  const required = requiredCodes(rule, parties);
  const isRequired = new Set(required);

  const changes: Change[] = [];
  for (const party of parties) {
    if (!party.consentedAt || party.consentedAt.getTime() > asOf) {
      continue;
    }
    const from = startOfUtcDay(party.consentedAt).getTime();
    changes.push({ day: from, party, delta: 1 });
    const until = party.withdrawnAt;
    if (until && until.getTime() <= asOf && startOfUtcDay(until).getTime() > from) {
      changes.push({ day: startOfUtcDay(until).getTime(), party, delta: -1 });
    }
  }
  changes.sort((a, b) => a.day - b.day);

  /** Per code: how many of its consents count now, and the weight it added when it began. */
  const counting = new Map<string, { consents: number; units: number }>();
  let consents = 0;
  let units = 0;
  let missing = required.length;
  const apply = ({ party, delta }: Change) => {
    const entry = counting.get(party.code) ?? { consents: 0, units: 0 };
    counting.set(party.code, entry);
    entry.consents += delta;
    if (delta === 1 && entry.consents === 1) {
      entry.units = weighted ? toUnits(party.weight) : 0;
      consents += 1;
      units += entry.units;
      missing -= isRequired.has(party.code) ? 1 : 0;
    } else if (delta === -1 && entry.consents === 0) {
      consents -= 1;
      units -= entry.units;
      missing += isRequired.has(party.code) ? 1 : 0;
    }
  };
  const instruments = rule.instruments ?? 1;
  const shareUnits = weighted ? toUnits(rule.share) : 0;
  const met = () => {
    switch (rule.kind) {
      case EntryIntoForceKind.THRESHOLD:
        return consents >= instruments && units >= shareUnits && missing === 0;
      case EntryIntoForceKind.ALL_PARTIES:
        return missing === 0; // asked only after a change, so someone has consented
      default:
        return false;
    }
  };

  let conditionMetAt: number | null = null;
  for (let i = 0; i < changes.length;) {
    const day = changes[i].day;
    for (; i < changes.length && changes[i].day === day; i += 1) {
      apply(changes[i]);
    }
    if (conditionMetAt === null && met()) {
      conditionMetAt = day;
    }
  }

  return {
    consents,
    share: weighted ? units / SHARE_UNITS : null,
    missingParties: required.filter((code) => !counting.get(code)?.consents),
    conditionMetAt: conditionMetAt === null ? null : new Date(conditionMetAt),
    date: entryIntoForceDate(rule, conditionMetAt),
  };
}

/** THRESHOLD: its required codes, in the rule's order; ALL_PARTIES: every party's code. */
function requiredCodes(rule: EntryIntoForceRule, parties: readonly ConsentRecord[]): string[] {
  switch (rule.kind) {
    case EntryIntoForceKind.THRESHOLD:
      return [...new Set(rule.requiredParties ?? [])];
    case EntryIntoForceKind.ALL_PARTIES:
      return [...new Set(parties.map((party) => party.code))];
    default:
      return [];
  }
}

function entryIntoForceDate(rule: EntryIntoForceRule, conditionMetAt: number | null): Date | null {
  switch (rule.kind) {
    case EntryIntoForceKind.FIXED_DATE:
      return rule.date ? new Date(rule.date.getTime()) : null;
    case EntryIntoForceKind.MANUAL:
      return null;
    default:
      return conditionMetAt === null
        ? null
        : delayed(new Date(conditionMetAt), rule.daysAfter ?? 0, rule.monthStart ?? false);
  }
}

/**
 * The date the agreement is in force for a party that consented at `consentedAt`, given the
 * agreement's progress (`evaluateEntryIntoForce`), or null while the date of entry into force is
 * unknown (or the party has not consented).
 *
 * A consent that counted toward the condition (dated on or before the day it was met, even when
 * recorded later) binds from the date of entry into force. A later one binds from its own day
 * plus `laterDaysAfter` (default `daysAfter`), with `laterMonthStart` (default `monthStart`), and
 * never before the agreement itself is in force: the treaties measure "later" from the condition,
 * not from the date of entry into force (Paris Agreement art 21(3), "after the requirements for
 * entry into force have been fulfilled"; Rome Statute art 126(2), "after the deposit of the 60th
 * instrument": Uganda, ratifying on 2002-06-14, was bound from 2002-09-01, not from 2002-07-01).
 * Where no condition is computed (FIXED_DATE, MANUAL), "later" is after the date itself.
 */
export function partyInForceFrom(
  rule: EntryIntoForceRule,
  consentedAt: Date | null,
  progress: { readonly conditionMetAt: Date | null; readonly date: Date | null },
): Date | null {
  const { conditionMetAt, date } = progress;
  if (!consentedAt || !date) {
    return null;
  }
  const inForce = date.getTime();
  const counted = conditionMetAt
    ? consentedAt.getTime() < addDays(startOfUtcDay(conditionMetAt), 1).getTime()
    : consentedAt.getTime() < inForce;
  if (counted) {
    return new Date(inForce);
  }
  const own = delayed(
    consentedAt,
    rule.laterDaysAfter ?? rule.daysAfter ?? 0,
    rule.laterMonthStart ?? rule.monthStart ?? false,
  );
  return own.getTime() < inForce ? new Date(inForce) : own;
}

/**
 * The day a withdrawal notified at `noticeAt` takes effect: that many calendar months later (VCLT
 * art 56(2): twelve by default), on the same day of the month, or on the last day of a shorter
 * month.
 */
export function withdrawalEffectiveAt(
  noticeAt: Date,
  withdrawalNoticeMonths: number = DEFAULT_WITHDRAWAL_NOTICE_MONTHS,
): Date {
  if (withdrawalNoticeMonths < 0) {
    throw new RangeError(`a notice period cannot be negative (${withdrawalNoticeMonths} months)`);
  }
  return addMonths(noticeAt, withdrawalNoticeMonths);
}

/** The day, plus `days`, and then the first day of the following month when `monthStart`. */
function delayed(day: Date, days: number, monthStart: boolean): Date {
  const after = addDays(day, days);
  return monthStart ? firstDayOfNextMonth(after) : after;
}
