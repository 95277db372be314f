import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { registeredBinding } from './binding.js';
import { EntryIntoForceKind, type EntryIntoForceRule } from './entry-into-force.js';
import { ConsentMeans, PartyStatus } from './parties.js';
import {
  progressOf,
  ruleChangeRefusal,
  ScheduledMoveKind,
  settle,
  type Settlement,
  type TreatyParty,
  type TreatyState,
} from './settle.js';
import { AgreementStage, ApprovalStatus, STAGES } from './stages.js';

const d = (day: string) => new Date(`${day}T00:00:00.000Z`);

const party = (code: string, extra: Partial<TreatyParty> = {}): TreatyParty => ({
  code,
  approvalRequired: false,
  approvalStatus: ApprovalStatus.NOT_REQUIRED,
  approvalUpdatedAt: null,
  ...registeredBinding(AgreementStage.SIGNED, d('2000-01-01')),
  ...extra,
});

const consented = (code: string, day: string, extra: Partial<TreatyParty> = {}) =>
  party(code, {
    status: PartyStatus.CONSENTED,
    consentedAt: d(day),
    consentMeans: ConsentMeans.RATIFICATION,
    lastActionAt: d(day),
    ...extra,
  });

const codes = (n: number, prefix = 'P') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

const treaty = (
  rule: EntryIntoForceRule,
  parties: TreatyParty[],
  extra: Partial<TreatyState> = {},
) => ({
  stage: AgreementStage.SIGNED,
  stageEnteredAt: d('1998-07-17'),
  parties,
  rule,
  expiresAt: null,
  conditionMetAt: null,
  inForceAt: null,
  ...extra,
});

/** The moves as [date, what, party] rows. */
const rows = (settlement: Settlement) =>
  settlement.moves.map((move) =>
    'stage' in move
      ? [move.at.toISOString().slice(0, 10), move.stage.action, null]
      : [move.at.toISOString().slice(0, 10), move.party.action, move.party.party.code],
  );

const ROME: EntryIntoForceRule = {
  kind: EntryIntoForceKind.THRESHOLD,
  instruments: 60,
  daysAfter: 60,
  monthStart: true,
};

describe('settle: the Rome Statute (art 126)', () => {
  // 50 instruments before 2002-04-11, ten deposited together that day (the 60th among them),
  // Uganda on 2002-06-14, after the condition and before the entry into force.
  const parties = [
    ...codes(50).map((code) => consented(code, '2001-06-01')),
    ...codes(10, 'Q').map((code) => consented(code, '2002-04-11')),
    consented('UG', '2002-06-14'),
  ];

  it('ratifies on the day of the 60th instrument and schedules entry into force', () => {
    const early = treaty(
      ROME,
      parties.filter((p) => p.code !== 'UG'),
    );
    const settled = settle(early, d('2002-05-01'));
    expect(rows(settled)).toEqual([['2002-04-11', 'RATIFY', null]]);
    expect(settled.state).toMatchObject({
      stage: AgreementStage.RATIFIED,
      conditionMetAt: d('2002-04-11'),
    });
    expect(settled.scheduled).toEqual([
      { kind: ScheduledMoveKind.ENTER_INTO_FORCE, partyCode: null, at: d('2002-07-01') },
    ]);
    expect(progressOf(settled.state)).toMatchObject({ consents: 60, date: d('2002-07-01') });
  });

  it('makes every move that fell due, in date order, Uganda bound from its own later date', () => {
    const settled = settle(treaty(ROME, parties), d('2003-01-01'));
    const made = rows(settled);
    expect(made.slice(0, 2)).toEqual([
      ['2002-04-11', 'RATIFY', null],
      ['2002-07-01', 'ENTER_INTO_FORCE', null],
    ]);
    expect(
      made.slice(2, 62).every((row) => row[0] === '2002-07-01' && row[1] === 'PARTY_IN_FORCE'),
    ).toBe(true);
    expect(made.slice(62)).toEqual([['2002-09-01', 'PARTY_IN_FORCE', 'UG']]);
    expect(settled.scheduled).toEqual([]);
    expect(settled.state.stage).toBe(AgreementStage.IN_FORCE);
    expect(settled.state.parties.every((p) => p.status === PartyStatus.PARTY)).toBe(true);
    expect(settled.state.parties.at(-1)?.inForceFrom).toEqual(d('2002-09-01'));
  });

  it('in force, schedules a later consent for its own date', () => {
    const inForce = settle(treaty(ROME, parties.slice(0, 60)), d('2003-01-01')).state;
    const joined = { ...inForce, parties: [...inForce.parties, consented('JP', '2007-07-17')] };
    const settled = settle(joined, d('2007-08-01'));
    expect(settled.moves).toEqual([]);
    expect(settled.scheduled).toEqual([
      { kind: ScheduledMoveKind.PARTY_IN_FORCE, partyCode: 'JP', at: d('2007-10-01') },
    ]);
  });
});

describe('settle: the Paris Agreement (art 21), a share reached after the count', () => {
  const PARIS: EntryIntoForceRule = {
    kind: EntryIntoForceKind.THRESHOLD,
    instruments: 55,
    share: 55,
    daysAfter: 30,
  };
  // 60 instruments of 0.5% each by 2016-09-03; on 2016-10-05 the EU (12.08%) and six more
  // (3% each) bring the share past 55%.
  const parties = [
    ...codes(60).map((code) => consented(code, '2016-09-03', { weight: 0.5 })),
    consented('EU', '2016-10-05', { weight: 12.08 }),
    ...codes(6, 'R').map((code) => consented(code, '2016-10-05', { weight: 3 })),
    party('US', { status: PartyStatus.SIGNATORY, weight: 17.89 }),
  ];

  it('is met on 2016-10-05, in force on 2016-11-04', () => {
    const settled = settle(
      treaty(PARIS, parties, { stageEnteredAt: d('2016-04-22') }),
      d('2016-10-10'),
    );
    expect(rows(settled)).toEqual([['2016-10-05', 'RATIFY', null]]);
    expect(progressOf(settled.state)).toMatchObject({
      consents: 67,
      share: 60.08,
      conditionMetAt: d('2016-10-05'),
      date: d('2016-11-04'),
    });
  });

  it('binds the US, accepting on 2021-01-20, from 2021-02-19', () => {
    const inForce = settle(
      treaty(PARIS, parties, { stageEnteredAt: d('2016-04-22') }),
      d('2017-01-01'),
    ).state;
    const accepted = {
      ...inForce,
      parties: inForce.parties.map((p) =>
        p.code === 'US'
          ? consented('US', '2021-01-20', { weight: 17.89, signedAt: d('2016-04-22') })
          : p,
      ),
    };
    expect(rows(settle(accepted, d('2021-03-01')))).toEqual([
      ['2021-02-19', 'PARTY_IN_FORCE', 'US'],
    ]);
  });
});

describe('settle: exchanges, fixed dates, withdrawals and expiry', () => {
  const pair = [consented('US', '2020-05-01'), consented('KR', '2020-05-05')];

  it('enters an exchange of instruments into force on the day of the second', () => {
    const settled = settle(treaty({ kind: EntryIntoForceKind.ALL_PARTIES }, pair), d('2020-06-01'));
    expect(rows(settled)).toEqual([
      ['2020-05-05', 'RATIFY', null],
      ['2020-05-05', 'ENTER_INTO_FORCE', null],
      ['2020-05-05', 'PARTY_IN_FORCE', 'US'],
      ['2020-05-05', 'PARTY_IN_FORCE', 'KR'],
    ]);
  });

  it('waits under ALL_PARTIES while a party has not consented', () => {
    const settled = settle(
      treaty({ kind: EntryIntoForceKind.ALL_PARTIES }, [pair[0], party('KR')]),
      d('2021-01-01'),
    );
    expect(settled.moves).toEqual([]);
    expect(progressOf(settled.state).missingParties).toEqual(['KR']);
  });

  it('enters a FIXED_DATE treaty into force on its date once RATIFIED, not before', () => {
    const rule = {
      kind: EntryIntoForceKind.FIXED_DATE,
      date: new Date('2030-01-01T12:00:00.000Z'),
    };
    const signed = treaty(rule, pair);
    expect(settle(signed, d('2031-01-01')).moves).toEqual([]);
    const ratified = { ...signed, stage: AgreementStage.RATIFIED, stageEnteredAt: d('2029-01-01') };
    expect(settle(ratified, d('2029-06-01')).scheduled).toEqual([
      { kind: ScheduledMoveKind.ENTER_INTO_FORCE, partyCode: null, at: rule.date },
    ]);
    expect(rows(settle(ratified, d('2031-01-01')))).toEqual([
      ['2030-01-01', 'ENTER_INTO_FORCE', null],
      ['2030-01-01', 'PARTY_IN_FORCE', 'US'],
      ['2030-01-01', 'PARTY_IN_FORCE', 'KR'],
    ]);
  });

  it('makes nothing under MANUAL but what was asked: a later consent, a withdrawal, expiry', () => {
    const manual = treaty({ kind: EntryIntoForceKind.MANUAL }, pair, {
      stage: AgreementStage.RATIFIED,
    });
    expect(settle(manual, d('2031-01-01'))).toEqual({ state: manual, moves: [], scheduled: [] });
  });

  const inForce = (parties: TreatyParty[], extra: Partial<TreatyState> = {}) =>
    treaty({ kind: EntryIntoForceKind.MANUAL }, parties, {
      stage: AgreementStage.IN_FORCE,
      stageEnteredAt: d('2010-01-01'),
      inForceAt: d('2010-01-01'),
      ...extra,
    });
  const bound = (code: string) =>
    party(code, {
      status: PartyStatus.PARTY,
      consentedAt: d('2009-01-01'),
      inForceFrom: d('2010-01-01'),
    });
  const leaving = (code: string, effective: string) =>
    party(code, {
      status: PartyStatus.WITHDRAWING,
      consentedAt: d('2009-01-01'),
      inForceFrom: d('2010-01-01'),
      withdrawalNoticeAt: d('2019-01-01'),
      withdrawalEffectiveAt: d(effective),
    });

  it('terminates a two-party agreement when a withdrawal takes effect', () => {
    const settled = settle(inForce([bound('US'), leaving('KR', '2020-01-01')]), d('2021-01-01'));
    expect(rows(settled)).toEqual([
      ['2020-01-01', 'WITHDRAWAL_EFFECTIVE', 'KR'],
      ['2020-01-01', 'TERMINATE', null],
    ]);
    expect(settled.state.stage).toBe(AgreementStage.TERMINATED);
  });

  it('keeps a multilateral agreement in force, and schedules a withdrawal ahead', () => {
    const three = inForce([bound('US'), leaving('KR', '2020-01-01'), bound('JP')]);
    expect(rows(settle(three, d('2021-01-01')))).toEqual([
      ['2020-01-01', 'WITHDRAWAL_EFFECTIVE', 'KR'],
    ]);
    expect(settle(three, d('2019-06-01')).scheduled).toEqual([
      { kind: ScheduledMoveKind.WITHDRAWAL_EFFECTIVE, partyCode: 'KR', at: d('2020-01-01') },
    ]);
  });

  it('expires at expiresAt, to the second, or schedules it', () => {
    const expiresAt = new Date('2026-03-31T15:00:00.000Z');
    const expiring = inForce([bound('US'), bound('KR')], { expiresAt });
    expect(settle(expiring, d('2026-03-31')).scheduled).toEqual([
      { kind: ScheduledMoveKind.EXPIRE, partyCode: null, at: expiresAt },
    ]);
    expect(rows(settle(expiring, d('2026-04-01')))).toEqual([['2026-03-31', 'EXPIRE', null]]);
  });

  it('keeps the day the condition was met once ratified, whoever withdraws later', () => {
    const settled = settle(
      treaty({ kind: EntryIntoForceKind.THRESHOLD, instruments: 2 }, [...pair, party('JP')]),
      d('2021-01-01'),
    ).state;
    const afterwards = {
      ...settled,
      parties: settled.parties.map((p) =>
        p.code === 'US'
          ? { ...p, status: PartyStatus.WITHDRAWN, withdrawalEffectiveAt: d('2020-12-01') }
          : p,
      ),
    };
    expect(progressOf(afterwards)).toMatchObject({
      consents: 1,
      conditionMetAt: d('2020-05-05'),
      date: d('2020-05-05'),
    });
  });
});

describe('settle on any state (property)', () => {
  const day = fc.integer({ min: 0, max: 20_000 }).map((n) => new Date(Date.UTC(1990, 0, 1 + n)));
  const anyParty = fc
    .record({
      status: fc.constantFrom(...Object.values(PartyStatus)),
      consentedAt: fc.option(day),
      withdrawalEffectiveAt: fc.option(day),
      weight: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
    })
    .map((fields) => fields);
  const anyState = fc
    .record({
      stage: fc.constantFrom(...Object.values(AgreementStage)),
      stageEnteredAt: day,
      parties: fc.array(anyParty, { maxLength: 30 }),
      kind: fc.constantFrom(...Object.values(EntryIntoForceKind)),
      instruments: fc.integer({ min: 1, max: 30 }),
      daysAfter: fc.integer({ min: 0, max: 400 }),
      monthStart: fc.boolean(),
      date: day,
      expiresAt: fc.option(day),
    })
    .map(({ kind, instruments, daysAfter, monthStart, date, parties, ...rest }) =>
      treaty(
        kind === EntryIntoForceKind.THRESHOLD
          ? { kind, instruments, daysAfter, monthStart }
          : kind === EntryIntoForceKind.FIXED_DATE
            ? { kind, date }
            : kind === EntryIntoForceKind.ALL_PARTIES
              ? { kind, daysAfter }
              : { kind },
        parties.map((fields, i) => party(`P${i}`, { ...fields, lastActionAt: fields.consentedAt })),
        { ...rest, conditionMetAt: null, inForceAt: null },
      ),
    );

  it('ends within its bound, makes moves in date order, and has nothing left to make', () => {
    fc.assert(
      fc.property(anyState, day, (state, now) => {
        const settled = settle(state, now);
        expect(settled.moves.length).toBeLessThanOrEqual(4 * state.parties.length + 6);
        const dates = settled.moves.map((move) => move.at.getTime());
        expect(dates).toEqual([...dates].sort((a, b) => a - b));
        expect(
          settled.moves.every((move) => move.at.getTime() <= now.getTime() || 'stage' in move),
        ).toBe(true);
        expect(settled.scheduled.every((move) => move.at.getTime() > now.getTime())).toBe(true);
        // Exactly once: settling what it left makes nothing more.
        expect(settle(settled.state, now).moves).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('changing the rule', () => {
  it('is possible until the agreement is in force or otherwise done', () => {
    const fixed = STAGES.filter((stage) => ruleChangeRefusal(stage));
    expect(fixed).toEqual([
      AgreementStage.IN_FORCE,
      AgreementStage.EXPIRED,
      AgreementStage.TERMINATED,
      AgreementStage.WITHDRAWN,
    ]);
  });
});
