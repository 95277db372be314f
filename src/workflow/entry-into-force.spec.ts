import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { addDays, addMonths, firstDayOfNextMonth, startOfUtcDay } from './calendar.js';
import {
  DEFAULT_ENTRY_INTO_FORCE_RULE,
  ENTRY_INTO_FORCE_FIELDS,
  EntryIntoForceKind as K,
  evaluateEntryIntoForce,
  MAX_DAYS_AFTER,
  MAX_INSTRUMENTS,
  partyInForceFrom,
  validateEntryIntoForceRule,
  withdrawalEffectiveAt,
  type ConsentRecord,
  type EntryIntoForceRule,
} from './entry-into-force.js';

/** Midnight UTC of an ISO day, or the instant when a time is given. */
const at = (iso: string) => new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

function consent(
  code: string,
  consentedAt: string | null,
  extra: Partial<Omit<ConsentRecord, 'code' | 'consentedAt'>> = {},
): ConsentRecord {
  return { code, consentedAt: consentedAt === null ? null : at(consentedAt), ...extra };
}

/** Real ISO 3166-1 alpha-2 codes, for treaties with many parties. */
const CODES = (
  'AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD ' +
  'CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA ' +
  'GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI ' +
  'KM KN KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV'
).split(' ');

const threshold = (instruments: number, more: Partial<EntryIntoForceRule> = {}) =>
  ({ kind: K.THRESHOLD, instruments, ...more }) as EntryIntoForceRule;

describe('the worked examples of docs/design.md §6', () => {
  // Paris Agreement art 21(1): "on the thirtieth day after the date on which at least 55 Parties
  // ... accounting in total for at least an estimated 55 per cent of the total global greenhouse
  // gas emissions have deposited their instruments". The count was reached on 21 September 2016,
  // the share on 5 October. The large emitters' dates are the depositary's; the other parties
  // and every weight are illustrative.
  const paris = threshold(55, { share: 55, daysAfter: 30 });
  const special = new Set(['CN', 'US', 'IN', 'CA', 'JP']);
  const parisParties: ConsentRecord[] = [
    consent('CN', '2016-09-03', { weight: 20.09 }),
    // The US accepted, withdrew (notice 2019-11-04, in effect 2020-11-04) and accepted again:
    // once per consent, so that its first consent still meets the condition of 2016.
    consent('US', '2016-09-03', { weight: 17.89, withdrawnAt: at('2020-11-04') }),
    consent('US', '2021-01-20', { weight: 17.89 }),
    ...CODES.filter((code) => !special.has(code))
      .slice(0, 56)
      .map((code) => consent(code, '2016-09-21', { weight: 0.1 })),
    consent('IN', '2016-10-02', { weight: 4.1 }),
    consent('EU', '2016-10-05', { weight: 12.08 }),
    consent('CA', '2016-10-05', { weight: 1.95 }),
    consent('JP', '2016-11-08', { weight: 3.79 }),
    consent('RU', null, { weight: 7.53 }),
  ];

  it('Paris Agreement: the condition is met 2016-10-05 and it is in force 2016-11-04', () => {
    const progress = evaluateEntryIntoForce(paris, parisParties);
    expect(day(progress.conditionMetAt)).toBe('2016-10-05');
    expect(day(progress.date)).toBe('2016-11-04');
    expect(progress).toMatchObject({ consents: 62, share: 65.5, missingParties: [] });
  });

  it('Paris Agreement: 58 parties by 2016-09-21, but not yet 55% (the share came after the count)', () => {
    const progress = evaluateEntryIntoForce(paris, parisParties, { asOf: at('2016-10-04') });
    expect(progress).toMatchObject({ consents: 59, conditionMetAt: null, date: null });
    expect(progress.share).toBe(47.68);
    const september = evaluateEntryIntoForce(paris, parisParties, { asOf: at('2016-09-21') });
    expect(september).toMatchObject({ consents: 58, share: 43.58, conditionMetAt: null });
  });

  it('Paris Agreement: the US, accepting 2021-01-20, is a party from 2021-02-19', () => {
    const progress = evaluateEntryIntoForce(paris, parisParties);
    expect(day(partyInForceFrom(paris, at('2021-01-20'), progress))).toBe('2021-02-19');
    // Its withdrawal (art 28: one year after the notice) and the gap it left in the counts.
    expect(day(withdrawalEffectiveAt(at('2019-11-04')))).toBe('2020-11-04');
    const gap = evaluateEntryIntoForce(paris, parisParties, { asOf: at('2020-12-01') });
    expect(gap).toMatchObject({ consents: 61, share: 47.61 });
    expect(day(gap.conditionMetAt)).toBe('2016-10-05');
  });

  // Rome Statute art 126(1): "on the first day of the month after the 60th day following the date
  // of the deposit of the 60th instrument". Ten instruments were deposited together on 2002-04-11,
  // taking the count from 56 to 66.
  const rome = threshold(60, { daysAfter: 60, monthStart: true });
  const tenOnOneDay = ['BA', 'BG', 'KH', 'CD', 'IE', 'JO', 'MN', 'NE', 'RO', 'SK'];
  const romeParties: ConsentRecord[] = [
    ...tenOnOneDay.map((code) => consent(code, '2002-04-11')),
    ...CODES.filter((code) => !tenOnOneDay.includes(code) && code !== 'CO')
      .slice(0, 56)
      .map((code, i) => consent(code, day(addDays(at('1999-02-01'), 20 * i)))),
    consent('CO', '2002-08-05'),
  ].reverse();

  it('Rome Statute: the 60th instrument on 2002-04-11 brings it into force on 2002-07-01', () => {
    expect(day(addDays(at('2002-04-11'), 60))).toBe('2002-06-10');
    const progress = evaluateEntryIntoForce(rome, romeParties);
    expect(day(progress.conditionMetAt)).toBe('2002-04-11');
    expect(day(progress.date)).toBe('2002-07-01');
    expect(progress).toMatchObject({ consents: 67, share: null, missingParties: [] });
  });

  it('Rome Statute: a state ratifying later is bound from the first of the month after its 60th day', () => {
    const progress = { conditionMetAt: at('2002-04-11'), date: at('2002-07-01') };
    expect(day(partyInForceFrom(rome, at('2002-08-05'), progress))).toBe('2002-11-01');
    expect(day(partyInForceFrom(rome, at('2002-07-01'), progress))).toBe('2002-09-01');
    // Art 126(2) counts "later" from the 60th instrument: Uganda, ratifying on 2002-06-14, before
    // the date of entry into force, was bound from 2002-09-01.
    expect(day(partyInForceFrom(rome, at('2002-06-14'), progress))).toBe('2002-09-01');
    // One of the ten instruments of 2002-04-11 counted toward the condition.
    expect(day(partyInForceFrom(rome, at('2002-04-11T16:00:00Z'), progress))).toBe('2002-07-01');
  });
});

describe('validateEntryIntoForceRule', () => {
  const parties = [
    { code: 'US', weight: 30 },
    { code: 'KR', weight: 20 },
    { code: 'JP', weight: 10 },
  ];
  const errorsOf = (
    rule: Partial<EntryIntoForceRule>,
    of: readonly { code: string; weight?: number | null }[] = parties,
  ) => validateEntryIntoForceRule(rule as EntryIntoForceRule, of);

  it.each([
    ['the default', DEFAULT_ENTRY_INTO_FORCE_RULE],
    ['ALL_PARTIES with its delays', { kind: K.ALL_PARTIES, daysAfter: 30, monthStart: true }],
    [
      'a full THRESHOLD',
      threshold(2, {
        share: 50,
        requiredParties: ['US'],
        daysAfter: MAX_DAYS_AFTER,
        monthStart: true,
        laterDaysAfter: 0,
        laterMonthStart: false,
      }),
    ],
    ['THRESHOLD at 100%', threshold(1, { share: 100 })],
    [
      'FIXED_DATE with delays for later parties',
      { kind: K.FIXED_DATE, date: at('2030-01-01'), laterDaysAfter: 30, laterMonthStart: true },
    ],
    [
      'explicit nulls',
      { kind: K.MANUAL, instruments: null, share: null, date: null, monthStart: null },
    ],
    ['an empty requiredParties', threshold(1, { requiredParties: [] })],
  ])('accepts %s', (_, rule) => {
    expect(errorsOf(rule)).toEqual({});
  });

  it('accepts more instruments than the agreement has parties: an open treaty waits for others', () => {
    expect(errorsOf(threshold(55))).toEqual({});
    expect(errorsOf(threshold(MAX_INSTRUMENTS))).toEqual({});
  });

  it('accepts weights without a share: they are party facts the rule ignores', () => {
    expect(errorsOf(threshold(2))).toEqual({});
    expect(errorsOf({ kind: K.ALL_PARTIES })).toEqual({});
  });

  it('refuses an unknown kind and says nothing more', () => {
    expect(errorsOf({ kind: 'SOMEDAY' as K, instruments: -1 })).toEqual({
      'entryIntoForce.kind': 'must be one of MANUAL, ALL_PARTIES, THRESHOLD, FIXED_DATE',
    });
  });

  it.each([
    [undefined, 'THRESHOLD needs instruments, the number of consents that brings it into force'],
    [null, 'THRESHOLD needs instruments, the number of consents that brings it into force'],
    [0, 'must be a whole number from 1 to 300, and is 0'],
    [-3, 'must be a whole number from 1 to 300, and is -3'],
    [2.5, 'must be a whole number from 1 to 300, and is 2.5'],
    [MAX_INSTRUMENTS + 1, 'must be a whole number from 1 to 300, and is 301'],
  ])('refuses THRESHOLD with instruments %s', (instruments, message) => {
    expect(errorsOf({ kind: K.THRESHOLD, instruments })).toEqual({
      'entryIntoForce.instruments': message,
    });
  });

  it.each([0, -5, 100.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses a share of %s',
    (share) => {
      expect(errorsOf(threshold(1, { share }))).toEqual({
        'entryIntoForce.share': `is a percentage: more than 0 and at most 100, and is ${share}`,
      });
    },
  );

  it('refuses a share while some parties have no weight, naming them', () => {
    const unweighted = [{ code: 'US', weight: 30 }, { code: 'KR' }, { code: 'JP', weight: null }];
    expect(errorsOf(threshold(1, { share: 50 }), unweighted)).toEqual({
      'entryIntoForce.share': 'a share needs a weight for every party, and KR, JP have none',
    });
  });

  it('refuses a share with weights that are not percentages', () => {
    const odd = [
      { code: 'US', weight: -1 },
      { code: 'KR', weight: 120 },
      { code: 'JP', weight: Number.NaN },
      { code: 'FR' },
    ];
    expect(errorsOf(threshold(1, { share: 50 }), odd)).toEqual({
      'entryIntoForce.share':
        'a share needs a weight for every party, and FR has none; weights are percentages from 0 to 100, and US has -1, KR has 120, JP has NaN',
    });
  });

  it('refuses required parties that are not parties, comparing codes as given', () => {
    expect(errorsOf(threshold(1, { requiredParties: ['US', 'CN'] }))).toEqual({
      'entryIntoForce.requiredParties':
        'CN is not a party of this agreement: add it first (addParty), or check the codes',
    });
    expect(errorsOf(threshold(1, { requiredParties: ['us', 'CN', 'CN'] }))).toEqual({
      'entryIntoForce.requiredParties':
        'lists CN more than once; us, CN are not parties of this agreement: add them first (addParty), or check the codes',
    });
  });

  it('refuses FIXED_DATE without a date, or with an invalid one', () => {
    expect(errorsOf({ kind: K.FIXED_DATE })).toEqual({
      'entryIntoForce.date': 'FIXED_DATE needs date, the day it enters into force',
    });
    expect(errorsOf({ kind: K.FIXED_DATE, date: new Date('no date') })).toEqual({
      'entryIntoForce.date': 'must be a valid date',
    });
  });

  it.each([
    ['daysAfter', -1],
    ['daysAfter', MAX_DAYS_AFTER + 1],
    ['daysAfter', 1.5],
    ['laterDaysAfter', -30],
    ['laterDaysAfter', 100_000],
  ] as const)('refuses %s %s', (field, days) => {
    expect(errorsOf(threshold(1, { [field]: days }))).toEqual({
      [`entryIntoForce.${field}`]: `must be a whole number of days from 0 to 3650, and is ${days}`,
    });
  });

  const samples: Required<Omit<EntryIntoForceRule, 'kind'>> = {
    instruments: 2,
    share: 50,
    requiredParties: ['US'],
    daysAfter: 30,
    monthStart: true,
    date: at('2030-01-01'),
    laterDaysAfter: 30,
    laterMonthStart: true,
  };
  const bases: Record<K, EntryIntoForceRule> = {
    [K.MANUAL]: { kind: K.MANUAL },
    [K.ALL_PARTIES]: { kind: K.ALL_PARTIES },
    [K.THRESHOLD]: threshold(1),
    [K.FIXED_DATE]: { kind: K.FIXED_DATE, date: at('2030-01-01') },
  };
  const cases = Object.values(K).flatMap((kind) =>
    (Object.keys(samples) as (keyof typeof samples)[]).map(
      (field) => [kind, field, ENTRY_INTO_FORCE_FIELDS[kind].includes(field)] as const,
    ),
  );

  it('takes for each kind the fields of its table', () => {
    expect(ENTRY_INTO_FORCE_FIELDS).toEqual({
      MANUAL: [],
      ALL_PARTIES: ['daysAfter', 'monthStart', 'laterDaysAfter', 'laterMonthStart'],
      THRESHOLD: [
        'instruments',
        'share',
        'requiredParties',
        'daysAfter',
        'monthStart',
        'laterDaysAfter',
        'laterMonthStart',
      ],
      FIXED_DATE: ['date', 'laterDaysAfter', 'laterMonthStart'],
    });
  });

  it.each(cases)('%s with %s: accepted %s', (kind, field, accepted) => {
    const errors = errorsOf({ ...bases[kind], [field]: samples[field] });
    expect(errors).toEqual(accepted ? {} : { [`entryIntoForce.${field}`]: expect.any(String) });
  });

  it('says why a field does not belong to the kind', () => {
    expect(errorsOf({ kind: K.MANUAL, monthStart: true, laterDaysAfter: 10 })).toEqual({
      'entryIntoForce.monthStart':
        'MANUAL computes nothing (an admin performs ENTER_INTO_FORCE): leave monthStart out, or choose the kind that uses it',
      'entryIntoForce.laterDaysAfter':
        'MANUAL computes nothing (an admin performs ENTER_INTO_FORCE): leave laterDaysAfter out, or choose the kind that uses it',
    });
    expect(errorsOf({ kind: K.ALL_PARTIES, instruments: 2, date: at('2030-01-01') })).toEqual({
      'entryIntoForce.instruments':
        'instruments belongs to THRESHOLD; ALL_PARTIES already needs every party',
      'entryIntoForce.date':
        'date belongs to FIXED_DATE; under ALL_PARTIES the date is computed from the consents',
    });
    expect(errorsOf({ ...bases.FIXED_DATE, daysAfter: -1, share: 50 })).toEqual({
      'entryIntoForce.daysAfter':
        'FIXED_DATE enters into force on date itself, which daysAfter would contradict (for parties consenting later, use laterDaysAfter and laterMonthStart)',
      'entryIntoForce.share':
        'share belongs to THRESHOLD; FIXED_DATE enters into force on its date',
    });
  });

  it('reports every error at once, ready for DomainError.badInput', () => {
    const errors = errorsOf({
      kind: K.THRESHOLD,
      share: 0,
      requiredParties: ['CN'],
      daysAfter: -1,
      date: at('2030-01-01'),
    });
    expect(Object.keys(errors)).toEqual([
      'entryIntoForce.date',
      'entryIntoForce.instruments',
      'entryIntoForce.share',
      'entryIntoForce.requiredParties',
      'entryIntoForce.daysAfter',
    ]);
    expect(DomainError.badInput(errors)).toMatchObject({
      code: ErrorCode.BAD_USER_INPUT,
      details: { fields: errors },
    });
  });
});

describe('calendar arithmetic on whole UTC days', () => {
  it('takes the UTC day of an instant', () => {
    expect(startOfUtcDay(at('2016-10-05T23:59:59.999Z'))).toEqual(at('2016-10-05'));
    expect(startOfUtcDay(at('2016-10-05T09:00:00+09:00'))).toEqual(at('2016-10-05'));
    expect(startOfUtcDay(at('2016-10-05T08:59:59+09:00'))).toEqual(at('2016-10-04'));
    expect(startOfUtcDay(at('1801-03-01T12:00:00Z'))).toEqual(at('1801-03-01'));
  });

  it.each([
    ['2021-01-31', 30, '2021-03-02'],
    ['2024-01-31', 30, '2024-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2000-02-28', 1, '2000-02-29'],
    ['2100-02-28', 1, '2100-03-01'],
    ['2021-12-31', 1, '2022-01-01'],
    ['2016-10-05', 30, '2016-11-04'],
    ['2002-04-11', 60, '2002-06-10'],
    ['2022-01-01', -1, '2021-12-31'],
    ['2022-03-01', 0, '2022-03-01'],
  ])('addDays(%s, %s) is %s', (from, n, to) => {
    expect(addDays(at(from), n)).toEqual(at(to));
  });

  it('drops the time of day', () => {
    expect(addDays(at('2016-10-05T18:30:00Z'), 30)).toEqual(at('2016-11-04'));
  });

  it.each([
    ['2002-06-10', '2002-07-01'],
    ['2019-12-31', '2020-01-01'],
    ['2020-01-01', '2020-02-01'],
    ['2024-02-29', '2024-03-01'],
    ['2021-01-31T23:59:59Z', '2021-02-01'],
  ])('firstDayOfNextMonth(%s) is %s', (from, to) => {
    expect(firstDayOfNextMonth(at(from))).toEqual(at(to));
  });

  it.each([
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2023-02-28', 12, '2024-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2023-01-31', 2, '2023-03-31'],
    ['2021-08-31', 1, '2021-09-30'],
    ['2021-12-31', 1, '2022-01-31'],
    ['2021-11-30', 2, '2022-01-30'],
    ['2021-03-31', -1, '2021-02-28'],
    ['2019-11-04', 12, '2020-11-04'],
    ['2021-06-15', 0, '2021-06-15'],
  ])('addMonths(%s, %s) is %s', (from, n, to) => {
    expect(addMonths(at(from), n)).toEqual(at(to));
  });

  it('refuses fractions of days and months', () => {
    expect(() => addDays(at('2021-01-01'), 0.5)).toThrow(RangeError);
    expect(() => addMonths(at('2021-01-01'), 1.5)).toThrow(RangeError);
  });

  const anyDate = fc.date({
    min: at('1800-01-01'),
    max: at('2400-12-31T23:59:59Z'),
    noInvalidDate: true,
  });
  const daysInMonth = (year: number, month: number) =>
    new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

  it('adds days as a sum of days', () => {
    fc.assert(
      fc.property(
        anyDate,
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: -5000, max: 5000 }),
        (date, a, b) => expect(addDays(addDays(date, a), b)).toEqual(addDays(date, a + b)),
      ),
    );
  });

  it('adds months keeping the day of the month, or the last day of a shorter month', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -600, max: 600 }), (date, n) => {
        const result = addMonths(date, n);
        const months = date.getUTCFullYear() * 12 + date.getUTCMonth() + n;
        const year = Math.floor(months / 12);
        const month = months - year * 12;
        expect([result.getUTCFullYear(), result.getUTCMonth()]).toEqual([year, month]);
        expect(result.getUTCDate()).toBe(Math.min(date.getUTCDate(), daysInMonth(year, month)));
        expect(result).toEqual(startOfUtcDay(result));
      }),
    );
  });

  it('finds the first day of the next month, the day after the last of this one', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const first = firstDayOfNextMonth(date);
        const last = addDays(first, -1);
        expect(first.getUTCDate()).toBe(1);
        expect([last.getUTCFullYear(), last.getUTCMonth()]).toEqual([
          date.getUTCFullYear(),
          date.getUTCMonth(),
        ]);
      }),
    );
  });
});

describe('evaluateEntryIntoForce', () => {
  it('meets the condition on the day of the consent that completes it, in date order', () => {
    const parties = [
      consent('FR', '2020-03-01'),
      consent('US', '2020-01-15'),
      consent('KR', null),
      consent('JP', '2020-02-10'),
    ];
    const progress = evaluateEntryIntoForce(threshold(3, { daysAfter: 30 }), parties);
    expect(progress).toEqual({
      consents: 3,
      share: null,
      missingParties: [],
      conditionMetAt: at('2020-03-01'),
      date: at('2020-03-31'),
    });
  });

  it('meets it on the day, not the moment, of the completing consent', () => {
    const parties = [consent('US', '2020-01-15'), consent('JP', '2020-02-10T17:45:00Z')];
    const progress = evaluateEntryIntoForce(threshold(2, { daysAfter: 1 }), parties);
    expect(progress.conditionMetAt).toEqual(at('2020-02-10'));
    expect(progress.date).toEqual(at('2020-02-11'));
  });

  it('counts consents of one day together: the 55th and the 56th on the same day', () => {
    const parties = CODES.slice(0, 56).map((code, i) =>
      consent(code, i < 54 ? day(addDays(at('2015-01-01'), i)) : `2016-06-01T0${i - 50}:00:00Z`),
    );
    const progress = evaluateEntryIntoForce(threshold(55), parties);
    expect(progress).toMatchObject({ consents: 56, conditionMetAt: at('2016-06-01') });
    expect(progress.date).toEqual(at('2016-06-01'));
    const earlier = evaluateEntryIntoForce(threshold(55), parties, { asOf: at('2016-05-31') });
    expect(earlier).toMatchObject({ consents: 54, conditionMetAt: null, date: null });
  });

  it('meets a share reached after the count on the day the share is reached', () => {
    const parties = [
      consent('US', '2020-01-01', { weight: 10 }),
      consent('KR', '2020-01-02', { weight: 10 }),
      consent('JP', '2020-01-03', { weight: 10 }),
      consent('CN', '2020-02-01', { weight: 25 }),
    ];
    const progress = evaluateEntryIntoForce(threshold(3, { share: 55 }), parties);
    expect(progress).toMatchObject({ consents: 4, share: 55, conditionMetAt: at('2020-02-01') });
  });

  it('meets a count reached after the share on the day the count is reached', () => {
    const parties = [
      consent('CN', '2020-01-01', { weight: 60 }),
      consent('US', '2020-01-02', { weight: 0 }),
      consent('KR', '2020-03-01', { weight: 0.5 }),
    ];
    const progress = evaluateEntryIntoForce(threshold(3, { share: 55 }), parties);
    expect(progress).toMatchObject({ share: 60.5, conditionMetAt: at('2020-03-01') });
  });

  it('adds weights exactly enough to reach a share', () => {
    const parties = CODES.slice(0, 10).map((code) => consent(code, '2020-01-01', { weight: 0.1 }));
    const progress = evaluateEntryIntoForce(threshold(1, { share: 1 }), parties);
    expect(progress).toMatchObject({ share: 1, conditionMetAt: at('2020-01-01') });
    // ...which adding them up as floating-point numbers would miss
    expect(parties.reduce((sum) => sum + 0.1, 0)).not.toBe(1);
  });

  describe('a withdrawn consent', () => {
    const rule = threshold(3);
    const withKrWithdrawn = (withdrawnAt: string) => [
      consent('US', '2020-01-01'),
      consent('KR', '2020-01-02', { withdrawnAt: at(withdrawnAt) }),
      consent('JP', '2020-01-05'),
      consent('FR', '2020-01-20'),
    ];

    it('before the condition moves it later', () => {
      const progress = evaluateEntryIntoForce(rule, withKrWithdrawn('2020-01-04'));
      expect(progress).toMatchObject({ consents: 3, conditionMetAt: at('2020-01-20') });
    });

    it('on the day the condition would be met stops counting that day, whatever the order', () => {
      const parties = withKrWithdrawn('2020-01-05');
      expect(evaluateEntryIntoForce(rule, parties).conditionMetAt).toEqual(at('2020-01-20'));
      const reversed = [...parties].reverse();
      expect(evaluateEntryIntoForce(rule, reversed).conditionMetAt).toEqual(at('2020-01-20'));
    });

    it('after the condition does not move it, only the counts', () => {
      const progress = evaluateEntryIntoForce(rule, withKrWithdrawn('2020-01-10'));
      expect(progress).toMatchObject({ consents: 3, conditionMetAt: at('2020-01-05') });
    });

    it('with no consent to replace it leaves the condition unmet', () => {
      const parties = withKrWithdrawn('2020-01-04').slice(0, 3);
      expect(evaluateEntryIntoForce(rule, parties)).toMatchObject({
        consents: 2,
        conditionMetAt: null,
        date: null,
      });
    });

    it('counts from its withdrawal only once that is dated no later than asOf', () => {
      const parties = withKrWithdrawn('2021-01-02');
      expect(evaluateEntryIntoForce(rule, parties, { asOf: at('2021-01-01') }).consents).toBe(4);
      expect(evaluateEntryIntoForce(rule, parties, { asOf: at('2021-01-02') }).consents).toBe(3);
    });

    it('dated on or before its consent belongs to an earlier consent (a state that rejoined)', () => {
      const rejoined = consent('KR', '2020-01-02', { withdrawnAt: at('2019-06-01') });
      const sameDay = consent('JP', '2020-01-05', { withdrawnAt: at('2020-01-05') });
      const progress = evaluateEntryIntoForce(rule, [
        consent('US', '2020-01-01'),
        rejoined,
        sameDay,
      ]);
      expect(progress).toMatchObject({ consents: 3, conditionMetAt: at('2020-01-05') });
    });

    it('of a state that rejoined counts that state once at a time', () => {
      const parties = [
        consent('US', '2016-01-01', { weight: 20, withdrawnAt: at('2018-01-01') }),
        consent('US', '2019-01-01', { weight: 20 }),
        consent('US', '2019-02-01', { weight: 20 }), // recorded twice: still one state
        consent('KR', '2017-01-01', { weight: 30 }),
      ];
      const rule2 = threshold(2, { share: 50, requiredParties: ['US'] });
      const progress = evaluateEntryIntoForce(rule2, parties);
      expect(progress).toMatchObject({ consents: 2, share: 50, missingParties: [] });
      expect(progress.conditionMetAt).toEqual(at('2017-01-01'));
      const gap = evaluateEntryIntoForce(rule2, parties, { asOf: at('2018-06-01') });
      expect(gap).toMatchObject({ consents: 1, share: 30, missingParties: ['US'] });
    });
  });

  it('needs every required party: missing, and then present', () => {
    const rule = threshold(2, { requiredParties: ['US', 'KR'] });
    const without = [
      consent('JP', '2020-01-01'),
      consent('FR', '2020-01-02'),
      consent('KR', '2020-01-03'),
    ];
    expect(evaluateEntryIntoForce(rule, [...without, consent('US', null)])).toMatchObject({
      consents: 3,
      missingParties: ['US'],
      conditionMetAt: null,
      date: null,
    });
    const progress = evaluateEntryIntoForce(rule, [...without, consent('US', '2020-02-01')]);
    expect(progress).toMatchObject({ missingParties: [], conditionMetAt: at('2020-02-01') });
    expect(evaluateEntryIntoForce(rule, []).missingParties).toEqual(['US', 'KR']);
  });

  describe('ALL_PARTIES', () => {
    const rule: EntryIntoForceRule = { kind: K.ALL_PARTIES, daysAfter: 30 };

    it('waits for the one party missing', () => {
      const parties = [
        consent('US', '2021-03-18'),
        consent('KR', null),
        consent('JP', '2021-03-01'),
      ];
      expect(evaluateEntryIntoForce(rule, parties)).toEqual({
        consents: 2,
        share: null,
        missingParties: ['KR'],
        conditionMetAt: null,
        date: null,
      });
    });

    it('is met on the day of the last consent', () => {
      const parties = [
        consent('US', '2021-03-18'),
        consent('KR', '2021-09-01'),
        consent('JP', '2021-03-01'),
      ];
      expect(evaluateEntryIntoForce(rule, parties)).toMatchObject({
        consents: 3,
        missingParties: [],
        conditionMetAt: at('2021-09-01'),
        date: at('2021-10-01'),
      });
    });

    it('is never met without parties', () => {
      expect(evaluateEntryIntoForce(rule, [])).toMatchObject({ conditionMetAt: null, date: null });
    });
  });

  it('FIXED_DATE: the date as given, to the second; the condition is the caller’s (RATIFIED)', () => {
    const date = at('2025-01-01T12:00:30Z');
    const rule: EntryIntoForceRule = { kind: K.FIXED_DATE, date };
    const progress = evaluateEntryIntoForce(rule, [
      consent('US', '2024-01-01'),
      consent('KR', null),
    ]);
    expect(progress).toEqual({
      consents: 1,
      share: null,
      missingParties: [],
      conditionMetAt: null,
      date,
    });
    expect(progress.date).not.toBe(date); // a copy: the caller may not change the rule through it
  });

  it('MANUAL: counts consents and computes nothing', () => {
    const parties = [consent('US', '2021-03-18'), consent('KR', '2021-09-01')];
    expect(evaluateEntryIntoForce(DEFAULT_ENTRY_INTO_FORCE_RULE, parties)).toEqual({
      consents: 2,
      share: null,
      missingParties: [],
      conditionMetAt: null,
      date: null,
    });
  });

  it.each([
    ['+30 days across the end of January', { daysAfter: 30 }, '2021-01-31', '2021-03-02'],
    ['+30 days across a leap February', { daysAfter: 30 }, '2024-01-31', '2024-03-01'],
    ['+1 day onto a leap day', { daysAfter: 1 }, '2024-02-28', '2024-02-29'],
    ['monthStart from 31 December', { monthStart: true }, '2019-12-31', '2020-01-01'],
    ['monthStart from the 1st', { daysAfter: 30, monthStart: true }, '2019-12-02', '2020-02-01'],
    ['monthStart from a leap day', { monthStart: true }, '2024-02-29', '2024-03-01'],
  ])('dates %s', (_, delays, metOn, inForce) => {
    const parties = [consent('US', '2019-01-01'), consent('KR', metOn)];
    const progress = evaluateEntryIntoForce(threshold(2, delays), parties);
    expect(day(progress.conditionMetAt)).toBe(metOn);
    expect(day(progress.date)).toBe(inForce);
  });

  describe('properties', () => {
    const codes = CODES.slice(0, 12);
    const origin = at('2020-01-01').getTime();
    const DAY = 86_400_000;
    /** Consent and withdrawal days as offsets from 2020-01-01; weights in hundredths. */
    const partyArb = (code: string) =>
      fc.record({
        code: fc.constant(code),
        consent: fc.option(fc.integer({ min: 0, max: 30 }), { freq: 5 }),
        withdraw: fc.option(fc.integer({ min: 0, max: 40 }), { freq: 2 }),
        hour: fc.integer({ min: 0, max: 23 }),
        hundredths: fc.integer({ min: 0, max: 3000 }),
      });
    type Generated = {
      code: string;
      consent: number | null;
      withdraw: number | null;
      hour: number;
      hundredths: number;
    };
    const partiesArb = fc
      .subarray(codes, { minLength: 1 })
      .chain((chosen) => fc.tuple(...chosen.map(partyArb)));
    const ruleArb: fc.Arbitrary<EntryIntoForceRule> = fc.oneof(
      fc.record({
        kind: fc.constant(K.THRESHOLD),
        instruments: fc.integer({ min: 1, max: 12 }),
        share: fc.option(
          fc.integer({ min: 1, max: 10000 }).map((h) => h / 100),
          { nil: undefined },
        ),
        requiredParties: fc.option(fc.subarray(codes, { maxLength: 3 }), { nil: undefined }),
        daysAfter: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
        monthStart: fc.option(fc.boolean(), { nil: undefined }),
      }),
      fc.record({
        kind: fc.constant(K.ALL_PARTIES),
        daysAfter: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
        monthStart: fc.option(fc.boolean(), { nil: undefined }),
      }),
    );
    const toRecords = (generated: readonly Generated[]): ConsentRecord[] =>
      generated.map((p) => ({
        code: p.code,
        weight: p.hundredths / 100,
        consentedAt:
          p.consent === null ? null : new Date(origin + p.consent * DAY + p.hour * 3600_000),
        withdrawnAt: p.withdraw === null ? null : new Date(origin + p.withdraw * DAY),
      }));

    /** The rule read literally: on each day, who counts, and is the condition met. */
    function oracle(rule: EntryIntoForceRule, generated: readonly Generated[]) {
      const countsOn = (p: Generated, d: number) =>
        p.consent !== null &&
        p.consent <= d &&
        !(p.withdraw !== null && p.withdraw > p.consent && p.withdraw <= d);
      const required =
        rule.kind === K.ALL_PARTIES
          ? generated.map((p) => p.code)
          : [...(rule.requiredParties ?? [])];
      const standing = (d: number) => {
        const counted = generated.filter((p) => countsOn(p, d));
        const hundredths = counted.reduce((sum, p) => sum + p.hundredths, 0);
        const missing = required.filter((code) => !counted.some((p) => p.code === code));
        const met =
          rule.kind === K.ALL_PARTIES
            ? generated.length > 0 && missing.length === 0
            : counted.length >= (rule.instruments ?? 1) &&
              (rule.share == null || hundredths >= Math.round(rule.share * 100)) &&
              missing.length === 0;
        return { counted, hundredths, missing, met };
      };
      const metOn = [...new Set(generated.flatMap((p) => [p.consent, p.withdraw]))]
        .filter((d): d is number => d !== null)
        .sort((a, b) => a - b)
        .find((d) => standing(d).met);
      const end = standing(Infinity);
      let date: Date | null = null;
      if (metOn !== undefined) {
        const start = new Date(origin + metOn * DAY);
        const after = new Date(
          Date.UTC(
            start.getUTCFullYear(),
            start.getUTCMonth(),
            start.getUTCDate() + (rule.daysAfter ?? 0),
          ),
        );
        date = rule.monthStart
          ? new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth() + 1, 1))
          : after;
      }
      return {
        consents: end.counted.length,
        share: rule.kind === K.THRESHOLD && rule.share != null ? end.hundredths / 100 : null,
        missingParties: end.missing,
        conditionMetAt: metOn === undefined ? null : new Date(origin + metOn * DAY),
        date,
      };
    }

    it('agrees with the rule read literally, day by day', () => {
      fc.assert(
        fc.property(ruleArb, partiesArb, (rule, generated) => {
          expect(evaluateEntryIntoForce(rule, toRecords(generated))).toEqual(
            oracle(rule, generated),
          );
        }),
        { numRuns: 500 },
      );
    });

    it('does not depend on the order of the input', () => {
      fc.assert(
        fc.property(
          ruleArb,
          partiesArb.chain((generated) =>
            fc.tuple(
              fc.constant(generated),
              fc.shuffledSubarray(generated, { minLength: generated.length }),
            ),
          ),
          (rule, [generated, shuffled]) => {
            const a = evaluateEntryIntoForce(rule, toRecords(generated));
            const b = evaluateEntryIntoForce(rule, toRecords(shuffled));
            expect({ ...b, missingParties: [...b.missingParties].sort() }).toEqual({
              ...a,
              missingParties: [...a.missingParties].sort(),
            });
          },
        ),
      );
    });

    it('never meets the condition later for one more consent', () => {
      fc.assert(
        fc.property(
          ruleArb,
          partiesArb,
          fc.integer({ min: 0, max: 60 }),
          fc.integer({ min: 0, max: 3000 }),
          (rule, generated, consentDay, hundredths) => {
            const parties = toRecords(generated);
            const before = evaluateEntryIntoForce(rule, parties).conditionMetAt;
            const consentedAt = new Date(origin + consentDay * DAY);
            // THRESHOLD: a new state consents; ALL_PARTIES: one of the states consents.
            const newcomer = CODES.find((code) => !generated.some((p) => p.code === code)) ?? 'ZZ';
            const more =
              rule.kind === K.THRESHOLD
                ? [...parties, { code: newcomer, weight: hundredths / 100, consentedAt }]
                : parties.map((p, i) =>
                    i === parties.findIndex((q) => !q.consentedAt) ? { ...p, consentedAt } : p,
                  );
            const after = evaluateEntryIntoForce(rule, more).conditionMetAt;
            if (before) {
              expect(after?.getTime()).toBeLessThanOrEqual(before.getTime());
            }
          },
        ),
      );
    });

    it('enters into force on or after the day the condition is met, on a 1st with monthStart', () => {
      fc.assert(
        fc.property(ruleArb, partiesArb, (rule, generated) => {
          const { conditionMetAt, date } = evaluateEntryIntoForce(rule, toRecords(generated));
          expect(date === null).toBe(conditionMetAt === null);
          if (conditionMetAt && date) {
            expect(date.getTime()).toBeGreaterThanOrEqual(conditionMetAt.getTime());
            if (rule.monthStart) {
              expect(date.getUTCDate()).toBe(1);
            }
          }
        }),
      );
    });
  });
});

describe('partyInForceFrom', () => {
  const inForce = at('2016-11-04');
  const progress = { conditionMetAt: at('2016-10-05'), date: inForce };
  const paris = threshold(55, { share: 55, daysAfter: 30 });

  it('is unknown before the date of entry into force is, or before the party consents', () => {
    expect(
      partyInForceFrom(paris, at('2016-10-01'), { conditionMetAt: null, date: null }),
    ).toBeNull();
    expect(partyInForceFrom(paris, null, progress)).toBeNull();
  });

  it('binds a consent that counted toward the condition from the date of entry into force', () => {
    expect(partyInForceFrom(paris, at('2016-09-03'), progress)).toEqual(inForce);
    expect(partyInForceFrom(paris, at('2016-10-05T23:59:59Z'), progress)).toEqual(inForce);
  });

  it('binds a consent after the condition was met from its own date plus the delay, even before the date of entry into force (art 21(3))', () => {
    expect(partyInForceFrom(paris, at('2016-10-06'), progress)).toEqual(at('2016-11-05'));
    // Never before the agreement itself is in force.
    const at0 = threshold(55, { share: 55, daysAfter: 30, laterDaysAfter: 0 });
    expect(partyInForceFrom(at0, at('2016-10-06'), progress)).toEqual(inForce);
    expect(partyInForceFrom(paris, at('2016-10-20'), progress)).toEqual(at('2016-11-19'));
    expect(partyInForceFrom(paris, at('2016-11-03T23:59:59Z'), progress)).toEqual(at('2016-12-03'));
    expect(partyInForceFrom(paris, at('2016-11-04'), progress)).toEqual(at('2016-12-04'));
    expect(partyInForceFrom(paris, at('2016-11-04T15:00:00Z'), progress)).toEqual(at('2016-12-04'));
  });

  it('takes daysAfter and monthStart by default, and laterDaysAfter and laterMonthStart over them', () => {
    const consentedAt = at('2017-01-31');
    const from = (rule: Partial<EntryIntoForceRule>) =>
      day(partyInForceFrom(threshold(2, rule), consentedAt, progress));
    expect(from({})).toBe('2017-01-31');
    expect(from({ daysAfter: 30 })).toBe('2017-03-02');
    expect(from({ daysAfter: 30, monthStart: true })).toBe('2017-04-01');
    expect(from({ daysAfter: 30, laterDaysAfter: 0 })).toBe('2017-01-31');
    expect(from({ daysAfter: 90, laterDaysAfter: 28 })).toBe('2017-02-28');
    expect(from({ daysAfter: 30, monthStart: true, laterMonthStart: false })).toBe('2017-03-02');
    expect(from({ laterMonthStart: true })).toBe('2017-02-01');
    expect(from({ laterDaysAfter: 1, laterMonthStart: true })).toBe('2017-03-01');
  });

  it('under FIXED_DATE, binds later parties after their own consent, never before the date', () => {
    const date = at('2025-01-01T12:00:00Z');
    const rule: EntryIntoForceRule = { kind: K.FIXED_DATE, date, laterDaysAfter: 30 };
    const fixed = { conditionMetAt: null, date };
    expect(partyInForceFrom(rule, at('2024-06-01'), fixed)).toEqual(date);
    expect(partyInForceFrom(rule, at('2025-01-10'), fixed)).toEqual(at('2025-02-09'));
    const sameDay = { kind: K.FIXED_DATE, date };
    expect(partyInForceFrom(sameDay, at('2025-01-01T08:00:00Z'), fixed)).toEqual(date);
    expect(partyInForceFrom(sameDay, at('2025-01-01T18:00:00Z'), fixed)).toEqual(date);
    expect(partyInForceFrom(sameDay, at('2025-01-02T18:00:00Z'), fixed)).toEqual(at('2025-01-02'));
  });

  it('under MANUAL, binds a later party from the day of its consent', () => {
    const manual = DEFAULT_ENTRY_INTO_FORCE_RULE;
    const manually = { conditionMetAt: null, date: at('2021-04-01') };
    expect(partyInForceFrom(manual, at('2021-05-05T10:00:00Z'), manually)).toEqual(
      at('2021-05-05'),
    );
  });
});

describe('withdrawalEffectiveAt', () => {
  it('takes effect twelve months after the notice by default (VCLT art 56)', () => {
    expect(withdrawalEffectiveAt(at('2019-11-04'))).toEqual(at('2020-11-04'));
    expect(withdrawalEffectiveAt(at('2019-11-04T16:30:00Z'))).toEqual(at('2020-11-04'));
  });

  it('counts calendar months, ending a month-end notice on the last day of a shorter month', () => {
    expect(withdrawalEffectiveAt(at('2021-01-31'), 1)).toEqual(at('2021-02-28'));
    expect(withdrawalEffectiveAt(at('2024-01-31'), 1)).toEqual(at('2024-02-29'));
    expect(withdrawalEffectiveAt(at('2024-02-29'))).toEqual(at('2025-02-28'));
    expect(withdrawalEffectiveAt(at('2021-12-15'), 3)).toEqual(at('2022-03-15'));
    expect(withdrawalEffectiveAt(at('2021-12-15'), 0)).toEqual(at('2021-12-15'));
  });

  it('refuses a negative or fractional notice period', () => {
    expect(() => withdrawalEffectiveAt(at('2021-01-01'), -1)).toThrow(RangeError);
    expect(() => withdrawalEffectiveAt(at('2021-01-01'), 0.5)).toThrow(RangeError);
  });
});
