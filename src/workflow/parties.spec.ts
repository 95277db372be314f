import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../common/domain-error.js';
import {
  availablePartyActions,
  joinRefusal,
  ConsentMeans as M,
  PARTY_ACTION_STAGES,
  PARTY_STATUSES,
  PARTY_TRANSITIONS,
  partyDiagram,
  partyMove,
  partyTransition,
  PartyAction as A,
  PartyMove,
  PartyStatus as St,
  type PartyActionInput,
  type PartyBindingState,
} from './parties.js';
import { AgreementStage as S, ApprovalStatus as P, STAGES } from './stages.js';

const DAY = 24 * 3600 * 1000;
const signed = new Date('2021-03-10T00:00:00Z');
const at = (days: number) => new Date(signed.getTime() + days * DAY);
/** The default date of an action: after every date a party below carries. */
const now = at(10);

/** KR, approved by its legislature, with the dates its status implies; override the rest. */
function party(status: St, overrides: Partial<PartyBindingState> = {}): PartyBindingState {
  const hasSigned = [St.SIGNATORY, St.NOT_INTENDING].includes(status);
  const hasConsented = [St.CONSENTED, St.PARTY, St.WITHDRAWING, St.WITHDRAWN].includes(status);
  const hasBeenBound = [St.PARTY, St.WITHDRAWING, St.WITHDRAWN].includes(status);
  const hasNoticed = [St.WITHDRAWING, St.WITHDRAWN].includes(status);
  return Object.freeze({
    code: 'KR',
    approvalRequired: true,
    approvalStatus: P.APPROVED,
    approvalUpdatedAt: at(1),
    status,
    signedAt: hasSigned || hasConsented ? at(1) : null,
    consentedAt: hasConsented ? at(2) : null,
    consentMeans: hasConsented ? M.RATIFICATION : null,
    consentReference: hasConsented ? 'C.N.1.2021' : null,
    inForceFrom: hasBeenBound ? at(2) : null,
    withdrawalNoticeAt: hasNoticed ? at(2) : null,
    withdrawalEffectiveAt: hasNoticed ? at(status === St.WITHDRAWN ? 2 : 400) : null,
    provisionalApplicationFrom: null,
    lastActionAt: at(2),
    ...overrides,
  });
}

/** A request for `action` from `status` whose input is good. */
function input(action: A, status: St, overrides: Partial<PartyActionInput> = {}): PartyActionInput {
  const means = status === St.NEGOTIATING || status === St.WITHDRAWN ? M.ACCESSION : M.RATIFICATION;
  return {
    occurredAt: now,
    ...(action === A.CONSENT ? { means } : {}),
    ...(action === A.GIVE_WITHDRAWAL_NOTICE ? { withdrawalEffectiveAt: at(375) } : {}),
    ...overrides,
  };
}

/** A party in `status` whose guards all hold for `action`. */
function satisfying(action: A, status: St): PartyBindingState {
  return action === A.END_PROVISIONAL_APPLICATION
    ? party(status, { provisionalApplicationFrom: at(2) })
    : party(status);
}

const act = (
  p: PartyBindingState,
  action: A,
  overrides: Partial<PartyActionInput> = {},
  stage = S.SIGNED,
  agreementSignedAt: Date | null = signed,
) => partyTransition(stage, agreementSignedAt, p, action, input(action, p.status, overrides));

const invalid = (details: Record<string, unknown>) =>
  expect.objectContaining({
    code: ErrorCode.INVALID_TRANSITION,
    details: expect.objectContaining(details),
  });
const badInput = (fields: Record<string, unknown>) =>
  expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT, details: { fields } });

const ACTIONS = Object.values(A);
const MOVES = Object.values(PartyMove);
const rows = PARTY_TRANSITIONS.flatMap((row) =>
  row.from.map((from) => [row.action, from, row.to, row.derived === true] as const),
);
const actionRows = rows
  .filter(([, , , derived]) => !derived)
  .map(([action, from, to]) => [action as A, from, to] as const);
const refused = ACTIONS.flatMap((action) =>
  PARTY_STATUSES.filter(
    (status) => !actionRows.some(([a, from]) => a === action && from === status),
  ).map((status) => [action, status] as const),
);

describe('the party table', () => {
  it('is the path of docs/design.md §6', () => {
    expect(rows).toEqual([
      [A.SIGN, St.NEGOTIATING, St.SIGNATORY, false],
      [A.CONSENT, St.NEGOTIATING, St.CONSENTED, false],
      [A.CONSENT, St.SIGNATORY, St.CONSENTED, false],
      [A.CONSENT, St.NOT_INTENDING, St.CONSENTED, false],
      [A.CONSENT, St.WITHDRAWN, St.CONSENTED, false],
      [A.DECLARE_NOT_INTENDING, St.SIGNATORY, St.NOT_INTENDING, false],
      [PartyMove.PARTY_IN_FORCE, St.CONSENTED, St.PARTY, true],
      [A.GIVE_WITHDRAWAL_NOTICE, St.PARTY, St.WITHDRAWING, false],
      [A.REVOKE_WITHDRAWAL_NOTICE, St.WITHDRAWING, St.PARTY, false],
      [PartyMove.WITHDRAWAL_EFFECTIVE, St.WITHDRAWING, St.WITHDRAWN, true],
      [A.START_PROVISIONAL_APPLICATION, St.NEGOTIATING, St.NEGOTIATING, false],
      [A.START_PROVISIONAL_APPLICATION, St.SIGNATORY, St.SIGNATORY, false],
      [A.START_PROVISIONAL_APPLICATION, St.CONSENTED, St.CONSENTED, false],
      [A.END_PROVISIONAL_APPLICATION, St.NEGOTIATING, St.NEGOTIATING, false],
      [A.END_PROVISIONAL_APPLICATION, St.SIGNATORY, St.SIGNATORY, false],
      [A.END_PROVISIONAL_APPLICATION, St.CONSENTED, St.CONSENTED, false],
    ]);
  });

  it('has the statuses, actions and means of docs/design.md §6, by name', () => {
    expect(PARTY_STATUSES).toEqual([
      'NEGOTIATING',
      'SIGNATORY',
      'CONSENTED',
      'PARTY',
      'WITHDRAWING',
      'WITHDRAWN',
      'NOT_INTENDING',
    ]);
    expect(ACTIONS).toEqual([
      'SIGN',
      'CONSENT',
      'DECLARE_NOT_INTENDING',
      'GIVE_WITHDRAWAL_NOTICE',
      'REVOKE_WITHDRAWAL_NOTICE',
      'START_PROVISIONAL_APPLICATION',
      'END_PROVISIONAL_APPLICATION',
    ]);
    expect(Object.values(M)).toEqual([
      'RATIFICATION',
      'ACCEPTANCE',
      'APPROVAL',
      'ACCESSION',
      'SUCCESSION',
      'DEFINITIVE_SIGNATURE',
      'NOTIFICATION',
      'EXCHANGE_OF_INSTRUMENTS',
    ]);
  });

  it('describes every guard and when every derived move is made', () => {
    for (const row of PARTY_TRANSITIONS) {
      if (row.guard) {
        expect(row.guard.description).toEqual(expect.any(String));
      }
      if (row.derived) {
        expect(row.when).toEqual(expect.any(String));
      }
    }
  });

  it.each(actionRows)('%s moves %s to %s, as of occurredAt', (action, from, to) => {
    const before = satisfying(action, from);
    const after = act(before, action);

    expect(after.status).toBe(to);
    expect(after.lastActionAt).toEqual(now);
    expect(after.code).toBe('KR');
    expect(before.status).toBe(from); // the input is not modified (and is frozen)
  });

  it.each(refused)('refuses %s from %s', (action, status) => {
    const before = satisfying(action, status);
    expect(() => act(before, action)).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_TRANSITION,
        details: {
          partyCode: 'KR',
          partyStatus: status,
          partyAction: action,
          reason: expect.stringContaining(`${action} is possible only for a party that is`),
        },
      }),
    );
  });

  it('words a refusal so that a person can act on it', () => {
    expect(() => act(party(St.CONSENTED), A.SIGN)).toThrow(
      expect.objectContaining({
        message:
          'Cannot SIGN for KR (CONSENTED): SIGN is possible only for a party that is NEGOTIATING.',
      }),
    );
  });

  it('refuses an action that does not exist as bad input', () => {
    expect(() => act(party(St.SIGNATORY), 'RESIGN' as A)).toThrow(
      badInput({ action: 'RESIGN is not a party action' }),
    );
  });
});

describe('what each action records', () => {
  it('SIGN records the signature', () => {
    expect(act(party(St.NEGOTIATING), A.SIGN)).toMatchObject({
      status: St.SIGNATORY,
      signedAt: now,
      consentedAt: null,
    });
  });

  it('CONSENT records the date, means and reference, keeping the signature', () => {
    const after = act(party(St.SIGNATORY), A.CONSENT, { reference: 'C.N.123.2021.TREATIES' });
    expect(after).toMatchObject({
      status: St.CONSENTED,
      signedAt: at(1),
      consentedAt: now,
      consentMeans: M.RATIFICATION,
      consentReference: 'C.N.123.2021.TREATIES',
      inForceFrom: null,
    });
    expect(act(party(St.SIGNATORY), A.CONSENT).consentReference).toBeNull();
  });

  it('CONSENT by accession records no signature', () => {
    expect(act(party(St.NEGOTIATING), A.CONSENT, { means: M.ACCESSION })).toMatchObject({
      status: St.CONSENTED,
      signedAt: null,
      consentMeans: M.ACCESSION,
    });
  });

  it('CONSENT by DEFINITIVE_SIGNATURE signs and consents at once', () => {
    expect(act(party(St.NEGOTIATING), A.CONSENT, { means: M.DEFINITIVE_SIGNATURE })).toMatchObject({
      status: St.CONSENTED,
      signedAt: now,
      consentedAt: now,
      consentMeans: M.DEFINITIVE_SIGNATURE,
    });
  });

  it('CONSENT keeps a provisional application going until the party is bound', () => {
    const applying = party(St.SIGNATORY, { provisionalApplicationFrom: at(2) });
    expect(act(applying, A.CONSENT).provisionalApplicationFrom).toEqual(at(2));
  });

  it('DECLARE_NOT_INTENDING ends a provisional application (VCLT art 25(2))', () => {
    const applying = party(St.SIGNATORY, { provisionalApplicationFrom: at(2) });
    expect(act(applying, A.DECLARE_NOT_INTENDING)).toMatchObject({
      status: St.NOT_INTENDING,
      signedAt: at(1),
      provisionalApplicationFrom: null,
    });
  });

  it('GIVE_WITHDRAWAL_NOTICE records the notice and the effective date it is given', () => {
    expect(act(party(St.PARTY), A.GIVE_WITHDRAWAL_NOTICE)).toMatchObject({
      status: St.WITHDRAWING,
      inForceFrom: at(2),
      withdrawalNoticeAt: now,
      withdrawalEffectiveAt: at(375),
    });
    expect(
      act(party(St.PARTY), A.GIVE_WITHDRAWAL_NOTICE, { withdrawalEffectiveAt: undefined }),
    ).toMatchObject({ withdrawalNoticeAt: now, withdrawalEffectiveAt: null });
  });

  it('REVOKE_WITHDRAWAL_NOTICE clears the notice and its effective date', () => {
    expect(act(party(St.WITHDRAWING), A.REVOKE_WITHDRAWAL_NOTICE)).toMatchObject({
      status: St.PARTY,
      inForceFrom: at(2),
      withdrawalNoticeAt: null,
      withdrawalEffectiveAt: null,
    });
  });

  it.each([St.NEGOTIATING, St.SIGNATORY, St.CONSENTED])(
    'START and END_PROVISIONAL_APPLICATION set and clear its date for a %s party',
    (status) => {
      const started = act(party(status), A.START_PROVISIONAL_APPLICATION);
      expect(started).toMatchObject({ status, provisionalApplicationFrom: now });
      const ended = act(started, A.END_PROVISIONAL_APPLICATION, { occurredAt: at(20) });
      expect(ended).toMatchObject({
        status,
        provisionalApplicationFrom: null,
        lastActionAt: at(20),
      });
      const again = act(ended, A.START_PROVISIONAL_APPLICATION, { occurredAt: at(30) });
      expect(again.provisionalApplicationFrom).toEqual(at(30));
    },
  );

  it('a WITHDRAWN state rejoins and is bound from its own later date', () => {
    const noticed = act(party(St.PARTY), A.GIVE_WITHDRAWAL_NOTICE);
    const withdrawn = partyMove(noticed, PartyMove.WITHDRAWAL_EFFECTIVE, at(375));
    expect(withdrawn).toMatchObject({
      status: St.WITHDRAWN,
      withdrawalEffectiveAt: at(375),
      lastActionAt: at(375),
    });

    expect(() => act(withdrawn, A.CONSENT, { occurredAt: at(300) })).toThrow(
      badInput({ occurredAt: expect.stringContaining("KR's last action") }),
    );
    const rejoined = act(withdrawn, A.CONSENT, { occurredAt: at(500), reference: 'again' });
    expect(rejoined).toMatchObject({
      status: St.CONSENTED,
      signedAt: at(1),
      consentedAt: at(500),
      consentMeans: M.ACCESSION,
      consentReference: 'again',
      inForceFrom: null,
      withdrawalNoticeAt: null,
      withdrawalEffectiveAt: null,
    });
    expect(partyMove(rejoined, PartyMove.PARTY_IN_FORCE, at(530))).toMatchObject({
      status: St.PARTY,
      inForceFrom: at(530),
    });
  });

  it('a state that declared it would not become a party may still consent', () => {
    expect(act(party(St.NOT_INTENDING), A.CONSENT)).toMatchObject({
      status: St.CONSENTED,
      signedAt: at(1),
      consentMeans: M.RATIFICATION,
    });
  });
});

describe('the guards', () => {
  const consentFrom = [St.NEGOTIATING, St.SIGNATORY, St.NOT_INTENDING, St.WITHDRAWN];

  it.each(Object.values(P).filter((status) => status !== P.NOT_REQUIRED))(
    'CONSENT by a party that needs a vote and is %s',
    (approvalStatus) => {
      for (const status of consentFrom) {
        const p = party(status, { approvalStatus });
        if (approvalStatus === P.APPROVED) {
          expect(act(p, A.CONSENT).status).toBe(St.CONSENTED);
          expect(availablePartyActions(S.SIGNED, p)).toContain(A.CONSENT);
        } else {
          expect(() => act(p, A.CONSENT)).toThrow(
            invalid({
              partyStatus: status,
              partyAction: A.CONSENT,
              reason: `KR needs its legislature's approval first, and its approval is ${approvalStatus}`,
            }),
          );
          expect(availablePartyActions(S.SIGNED, p)).not.toContain(A.CONSENT);
        }
      }
    },
  );

  it('CONSENT by a party that needs no vote', () => {
    const us = party(St.SIGNATORY, {
      code: 'US',
      approvalRequired: false,
      approvalStatus: P.NOT_REQUIRED,
      approvalUpdatedAt: null,
    });
    expect(act(us, A.CONSENT).status).toBe(St.CONSENTED);
  });

  it.each(consentFrom)('CONSENT by DEFINITIVE_SIGNATURE from %s', (status) => {
    const consent = () => act(party(status), A.CONSENT, { means: M.DEFINITIVE_SIGNATURE });
    if (status === St.NEGOTIATING) {
      expect(consent().signedAt).toEqual(now);
    } else {
      expect(consent).toThrow(
        invalid({
          partyStatus: status,
          reason: expect.stringContaining(
            `DEFINITIVE_SIGNATURE signs and consents at once, and KR is already ${status}`,
          ),
        }),
      );
    }
  });

  it.each([St.NEGOTIATING, St.SIGNATORY, St.CONSENTED])(
    'START_PROVISIONAL_APPLICATION only when a %s party is not applying it yet',
    (status) => {
      const applying = party(status, { provisionalApplicationFrom: at(2) });
      expect(() => act(applying, A.START_PROVISIONAL_APPLICATION)).toThrow(
        invalid({ reason: 'KR has applied it provisionally since 2021-03-12' }),
      );
      expect(act(party(status), A.START_PROVISIONAL_APPLICATION).status).toBe(status);
    },
  );

  it.each([St.NEGOTIATING, St.SIGNATORY, St.CONSENTED])(
    'END_PROVISIONAL_APPLICATION only while a %s party is applying it',
    (status) => {
      expect(() => act(party(status), A.END_PROVISIONAL_APPLICATION)).toThrow(
        invalid({ reason: 'KR is not applying it provisionally' }),
      );
      const applying = party(status, { provisionalApplicationFrom: at(2) });
      expect(act(applying, A.END_PROVISIONAL_APPLICATION).status).toBe(status);
    },
  );
});

describe('the means of consent', () => {
  it.each([undefined, null])('CONSENT needs a means (given %s)', (means) => {
    expect(() => act(party(St.SIGNATORY), A.CONSENT, { means })).toThrow(
      badInput({ means: expect.stringContaining('CONSENT needs the means of consent') }),
    );
  });

  it('refuses a means that is not one', () => {
    expect(() => act(party(St.SIGNATORY), A.CONSENT, { means: 'TELEGRAM' as M })).toThrow(
      badInput({ means: expect.stringContaining('TELEGRAM is not a means of consent') }),
    );
  });

  it.each(Object.values(M))('a NEGOTIATING party may consent by %s', (means) => {
    expect(act(party(St.NEGOTIATING), A.CONSENT, { means })).toMatchObject({
      status: St.CONSENTED,
      consentMeans: means,
      signedAt: means === M.DEFINITIVE_SIGNATURE ? now : null,
    });
  });

  it.each(Object.values(M).filter((means) => means !== M.DEFINITIVE_SIGNATURE))(
    'a SIGNATORY may consent by %s',
    (means) => {
      expect(act(party(St.SIGNATORY), A.CONSENT, { means })).toMatchObject({
        consentMeans: means,
        signedAt: at(1),
      });
    },
  );

  it.each(actionRows.filter(([action]) => action !== A.CONSENT))(
    'refuses a means given to %s (from %s)',
    (action, from) => {
      expect(() => act(satisfying(action, from), action, { means: M.RATIFICATION })).toThrow(
        badInput({ means: `a means of consent goes with CONSENT only, not with ${action}` }),
      );
    },
  );

  it.each(actionRows.filter(([action]) => action !== A.GIVE_WITHDRAWAL_NOTICE))(
    'refuses a withdrawalEffectiveAt given to %s (from %s)',
    (action, from) => {
      expect(() =>
        act(satisfying(action, from), action, { withdrawalEffectiveAt: at(400) }),
      ).toThrow(
        badInput({
          withdrawalEffectiveAt: `goes with GIVE_WITHDRAWAL_NOTICE only, not with ${action}`,
        }),
      );
    },
  );

  it('takes a reference with any action, storing it only as the consent’s', () => {
    expect(act(party(St.NEGOTIATING), A.SIGN, { reference: 'C.N.9' }).consentReference).toBeNull();
  });
});

describe('the agreement’s stage', () => {
  const open = [S.SIGNED, S.PARLIAMENTARY_REVIEW, S.RATIFIED, S.IN_FORCE, S.REJECTED];

  it('opens party actions from SIGNED until a final stage, REJECTED included', () => {
    expect([...PARTY_ACTION_STAGES]).toEqual(open);
  });

  it.each(STAGES)('while the agreement is %s', (stage) => {
    const p = party(St.NEGOTIATING);
    if (open.includes(stage)) {
      expect(act(p, A.SIGN, {}, stage).status).toBe(St.SIGNATORY);
      expect(availablePartyActions(stage, p)).toEqual([
        A.SIGN,
        A.CONSENT,
        A.START_PROVISIONAL_APPLICATION,
      ]);
      return;
    }
    const reason = [S.EXPIRED, S.TERMINATED, S.WITHDRAWN].includes(stage)
      ? `the agreement is ${stage}, a final stage`
      : `party actions are possible once the agreement is SIGNED, and it is ${stage}`;
    expect(availablePartyActions(stage, p)).toEqual([]);
    for (const [action, from] of actionRows) {
      expect(() => act(satisfying(action, from), action, {}, stage)).toThrow(
        expect.objectContaining({
          code: ErrorCode.INVALID_TRANSITION,
          details: { partyCode: 'KR', partyStatus: from, partyAction: action, reason },
        }),
      );
    }
  });
});

describe('the order of dates', () => {
  it('refuses an action dated before the party’s last action; the same day is fine', () => {
    const p = party(St.NEGOTIATING, { lastActionAt: at(5) });
    expect(() => act(p, A.SIGN, { occurredAt: at(4) })).toThrow(
      badInput({
        occurredAt: `${at(4).toISOString()} is before KR's last action (${at(5).toISOString()})`,
      }),
    );
    expect(act(p, A.SIGN, { occurredAt: at(5) }).signedAt).toEqual(at(5));
  });

  it('refuses an action dated before the agreement was signed; the same moment is fine', () => {
    const p = party(St.NEGOTIATING, { lastActionAt: null });
    expect(() => act(p, A.SIGN, { occurredAt: at(-1) })).toThrow(
      badInput({ occurredAt: expect.stringContaining('before the agreement was signed') }),
    );
    expect(act(p, A.SIGN, { occurredAt: signed }).signedAt).toEqual(signed);
  });

  it('has nothing to compare with when the signature date is unknown', () => {
    const p = party(St.NEGOTIATING, { lastActionAt: null });
    expect(act(p, A.SIGN, { occurredAt: at(-1) }, S.IN_FORCE, null).signedAt).toEqual(at(-1));
  });

  it('refuses a consent dated before the party’s approval, when it needs one', () => {
    const p = party(St.SIGNATORY, { approvalUpdatedAt: at(12) });
    expect(() => act(p, A.CONSENT, { occurredAt: at(11) })).toThrow(
      badInput({ occurredAt: expect.stringContaining("before KR's approval") }),
    );
    expect(act(p, A.CONSENT, { occurredAt: at(12) }).consentedAt).toEqual(at(12));
    const noVote = { ...p, approvalRequired: false, approvalStatus: P.NOT_REQUIRED };
    expect(act(noVote, A.CONSENT, { occurredAt: at(11) }).consentedAt).toEqual(at(11));
  });

  it('revokes a withdrawal notice only before it takes effect (VCLT art 68)', () => {
    const p = party(St.WITHDRAWING, { withdrawalEffectiveAt: at(400) });
    expect(() => act(p, A.REVOKE_WITHDRAWAL_NOTICE, { occurredAt: at(400) })).toThrow(
      badInput({
        occurredAt: expect.stringContaining('is not before the withdrawal takes effect'),
      }),
    );
    expect(act(p, A.REVOKE_WITHDRAWAL_NOTICE, { occurredAt: at(399) }).status).toBe(St.PARTY);
    const unknownEffect = party(St.WITHDRAWING, { withdrawalEffectiveAt: null });
    expect(act(unknownEffect, A.REVOKE_WITHDRAWAL_NOTICE, { occurredAt: at(999) }).status).toBe(
      St.PARTY,
    );
  });

  it('refuses a withdrawal that would take effect no later than its notice', () => {
    expect(() =>
      act(party(St.PARTY), A.GIVE_WITHDRAWAL_NOTICE, { withdrawalEffectiveAt: now }),
    ).toThrow(
      badInput({ withdrawalEffectiveAt: expect.stringContaining('is not after the notice') }),
    );
  });

  it('names every bad field at once', () => {
    expect(() => act(party(St.SIGNATORY), A.CONSENT, { means: null, occurredAt: at(-1) })).toThrow(
      badInput({ means: expect.any(String), occurredAt: expect.any(String) }),
    );
  });

  it('refuses a consent dated before the day the condition was met; that day is fine', () => {
    const conditionMetAt = at(5);
    expect(() =>
      act(party(St.SIGNATORY), A.CONSENT, { occurredAt: at(4), conditionMetAt }),
    ).toThrow(
      badInput({
        occurredAt: expect.stringContaining(
          'before the day the condition of entry into force was met',
        ),
      }),
    );
    expect(act(party(St.SIGNATORY), A.CONSENT, { occurredAt: at(5), conditionMetAt }).status).toBe(
      St.CONSENTED,
    );
    // Another action is not a consent, and counts toward nothing.
    expect(act(party(St.NEGOTIATING), A.SIGN, { occurredAt: at(4), conditionMetAt }).status).toBe(
      St.SIGNATORY,
    );
  });

  it('takes a withdrawal notice for the notice period or longer, never shorter', () => {
    const notice = { occurredAt: at(10), withdrawalNoticeMonths: 12 };
    const byDefault = act(party(St.PARTY), A.GIVE_WITHDRAWAL_NOTICE, {
      ...notice,
      withdrawalEffectiveAt: null,
    });
    expect(byDefault.withdrawalEffectiveAt).toEqual(new Date('2022-03-20T00:00:00Z'));
    const later = new Date('2023-01-01T00:00:00Z');
    expect(
      act(party(St.PARTY), A.GIVE_WITHDRAWAL_NOTICE, { ...notice, withdrawalEffectiveAt: later })
        .withdrawalEffectiveAt,
    ).toEqual(later);
    expect(() =>
      act(party(St.PARTY), A.GIVE_WITHDRAWAL_NOTICE, {
        ...notice,
        withdrawalEffectiveAt: new Date('2022-03-19T00:00:00Z'),
      }),
    ).toThrow(
      badInput({ withdrawalEffectiveAt: expect.stringContaining('notice period of 12 months') }),
    );
  });

  it('refuses by the table before it looks at the input', () => {
    expect(() => act(party(St.PARTY), A.SIGN, { means: M.ACCESSION, occurredAt: at(-1) })).toThrow(
      invalid({ partyAction: A.SIGN }),
    );
  });
});

describe('the available actions', () => {
  const expected: Record<St, { idle: A[]; applying: A[] }> = {
    [St.NEGOTIATING]: {
      idle: [A.SIGN, A.CONSENT, A.START_PROVISIONAL_APPLICATION],
      applying: [A.SIGN, A.CONSENT, A.END_PROVISIONAL_APPLICATION],
    },
    [St.SIGNATORY]: {
      idle: [A.CONSENT, A.DECLARE_NOT_INTENDING, A.START_PROVISIONAL_APPLICATION],
      applying: [A.CONSENT, A.DECLARE_NOT_INTENDING, A.END_PROVISIONAL_APPLICATION],
    },
    [St.CONSENTED]: {
      idle: [A.START_PROVISIONAL_APPLICATION],
      applying: [A.END_PROVISIONAL_APPLICATION],
    },
    [St.PARTY]: { idle: [A.GIVE_WITHDRAWAL_NOTICE], applying: [A.GIVE_WITHDRAWAL_NOTICE] },
    [St.WITHDRAWING]: {
      idle: [A.REVOKE_WITHDRAWAL_NOTICE],
      applying: [A.REVOKE_WITHDRAWAL_NOTICE],
    },
    [St.WITHDRAWN]: { idle: [A.CONSENT], applying: [A.CONSENT] },
    [St.NOT_INTENDING]: { idle: [A.CONSENT], applying: [A.CONSENT] },
  };
  const cases = PARTY_STATUSES.flatMap((status) =>
    [false, true].flatMap((applying) =>
      [P.APPROVED, P.IN_COMMITTEE].map((approval) => [status, applying, approval] as const),
    ),
  );

  it.each(cases)(
    'for a %s party (applying it provisionally: %s; approval %s) are exactly the allowed rows',
    (status, applying, approvalStatus) => {
      const p = party(status, {
        approvalStatus,
        provisionalApplicationFrom: applying ? at(2) : null,
      });
      const available = availablePartyActions(S.SIGNED, p);
      const listed = expected[status][applying ? 'applying' : 'idle'].filter(
        (action) => action !== A.CONSENT || approvalStatus === P.APPROVED,
      );
      expect(available).toEqual(listed);
      for (const action of ACTIONS) {
        const attempt = () => act(p, action);
        if (available.includes(action)) {
          expect(attempt).not.toThrow();
        } else {
          expect(attempt).toThrow(invalid({ partyAction: action }));
        }
      }
    },
  );
});

describe('the derived moves', () => {
  const moveRows = rows.filter(([, , , derived]) => derived);

  it.each(MOVES)('%s cannot be requested', (move) => {
    expect(() => act(party(St.CONSENTED), move as unknown as A)).toThrow(
      invalid({ partyAction: move, reason: expect.stringContaining('made by the server when') }),
    );
    for (const status of PARTY_STATUSES) {
      expect(availablePartyActions(S.IN_FORCE, party(status))).not.toContain(move);
    }
  });

  it.each(moveRows)('%s moves %s to %s', (move, from, to) => {
    const after = partyMove(party(from), move as PartyMove, at(30));
    expect(after.status).toBe(to);
    expect(after.lastActionAt).toEqual(at(30));
  });

  it.each(
    MOVES.flatMap((move) =>
      PARTY_STATUSES.filter(
        (status) => !moveRows.some(([m, from]) => m === move && from === status),
      ).map((status) => [move, status] as const),
    ),
  )('refuses %s for a %s party', (move, status) => {
    expect(() => partyMove(party(status), move, at(30))).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_TRANSITION,
        details: {
          partyCode: 'KR',
          partyStatus: status,
          partyAction: move,
          reason: expect.stringContaining(`${move} applies only to a party that is`),
        },
      }),
    );
  });

  it('PARTY_IN_FORCE records the date and ends a provisional application', () => {
    const applying = party(St.CONSENTED, { provisionalApplicationFrom: at(3) });
    expect(partyMove(applying, PartyMove.PARTY_IN_FORCE, at(30))).toMatchObject({
      status: St.PARTY,
      inForceFrom: at(30),
      provisionalApplicationFrom: null,
    });
  });

  it('takes the clause’s date as given, keeping the later last action for ordering', () => {
    const p = party(St.WITHDRAWING, { lastActionAt: at(50) });
    expect(partyMove(p, PartyMove.WITHDRAWAL_EFFECTIVE, at(40))).toMatchObject({
      status: St.WITHDRAWN,
      withdrawalEffectiveAt: at(40),
      lastActionAt: at(50),
    });
  });
});

describe('the diagram', () => {
  it('draws one arrow per row and source status, from the entry', () => {
    const lines = partyDiagram().split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines[1]).toBe('    [*] --> NEGOTIATING');
    for (const row of PARTY_TRANSITIONS) {
      const mark = row.derived ? ' (derived)' : row.guard ? ' *' : '';
      for (const from of row.from) {
        expect(lines).toContain(`    ${from} --> ${row.to}: ${row.action}${mark}`);
      }
    }
    expect(lines).toContain('    NEGOTIATING --> SIGNATORY: SIGN');
    expect(lines).toContain('    WITHDRAWN --> CONSENTED: CONSENT *');
    expect(lines).toContain('    CONSENTED --> PARTY: PARTY_IN_FORCE (derived)');
    expect(lines).toContain('    SIGNATORY --> SIGNATORY: START_PROVISIONAL_APPLICATION *');
    expect(lines.filter((line) => line.includes(': '))).toHaveLength(rows.length);
  });
});

describe('joining an agreement', () => {
  it('is possible until the agreement is final', () => {
    for (const stage of STAGES) {
      const final = [S.EXPIRED, S.TERMINATED, S.WITHDRAWN].includes(stage);
      expect([stage, joinRefusal(stage)]).toEqual([
        stage,
        final ? `the agreement is ${stage}, a final stage` : null,
      ]);
    }
  });
});
