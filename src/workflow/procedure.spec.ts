import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ErrorCode } from '../common/domain-error.js';
import {
  AgreementStage as S,
  ApprovalStatus as P,
  availableApprovalSteps,
  bodiesOf,
  bodiesRefusal,
  currentBody,
  MAX_BODIES,
  procedureStep,
  ProcedureStepKind as K,
  recordApprovalStep,
  STEP_KINDS,
  trackRefusal,
  WorkflowAction as A,
  type AgreementState,
  type ApprovalStepInput,
  type PartyState,
  type ProcedureMove,
} from './index.js';

const RU_BODIES = ['State Duma', 'Federation Council'];
const entered = new Date('2010-12-22T00:00:00Z');
const day = (n: number) => new Date(entered.getTime() + n * 24 * 3600 * 1000);

function ru(overrides: Partial<PartyState> = {}): PartyState {
  return {
    code: 'RU',
    approvalRequired: true,
    approvalStatus: P.PENDING,
    approvalUpdatedAt: null,
    bodies: RU_BODIES,
    approvalBody: 0,
    ...overrides,
  };
}

const isMove = (result: ReturnType<typeof procedureStep>): result is ProcedureMove =>
  !('fields' in result) && !('reason' in result);

describe('a party’s bodies', () => {
  it('default to its legislature alone, or to "Legislature" without one', () => {
    expect(bodiesOf({ legislature: 'National Assembly' })).toEqual(['National Assembly']);
    expect(bodiesOf({ bodies: null, legislature: null })).toEqual(['Legislature']);
    expect(bodiesOf({ bodies: [], legislature: 'Diet' })).toEqual(['Diet']);
    expect(bodiesOf({ bodies: RU_BODIES, legislature: 'Federal Assembly' })).toEqual(RU_BODIES);
  });

  it('are refused empty, too many, named twice (in any case), or for a party needing no approval', () => {
    expect(bodiesRefusal(undefined, false)).toBeNull();
    expect(bodiesRefusal(RU_BODIES, true)).toBeNull();
    expect(bodiesRefusal(RU_BODIES, false)).toMatch(/without approvalRequired/);
    expect(bodiesRefusal([], true)).toMatch(/from 1 to 10/);
    const many = Array.from({ length: MAX_BODIES + 1 }, (_, i) => `Body ${i}`);
    expect(bodiesRefusal(many, true)).toMatch(/from 1 to 10/);
    expect(bodiesRefusal(many.slice(1), true)).toBeNull();
    expect(bodiesRefusal(['Senate', 'senate'], true)).toBe(
      'senate is named twice; each body acts once in an attempt',
    );
  });

  it('name the one holding it now: none when no approval is required', () => {
    expect(currentBody(ru())).toBe('State Duma');
    expect(currentBody(ru({ approvalBody: 1, approvalStatus: P.SUBMITTED }))).toBe(
      'Federation Council',
    );
    expect(currentBody(ru({ approvalRequired: false, approvalStatus: P.NOT_REQUIRED }))).toBe(null);
  });
});

describe('the kinds of step', () => {
  const step = (kind: K, status: P, extra: Partial<ApprovalStepInput> = {}) =>
    procedureStep(ru({ approvalStatus: P.SUBMITTED }), { kind, status, ...extra }, false);

  it.each(
    STEP_KINDS.flatMap((rule) => Object.values(P).map((status): [K, P] => [rule.kind, status])),
  )('a %s records %s only if its kind lists it', (kind, status) => {
    const rule = STEP_KINDS.find((candidate) => candidate.kind === kind)!;
    const figures =
      rule.figures && (status === P.APPROVED || status === P.REJECTED)
        ? { yesPercent: 50.5, turnoutPercent: 61 }
        : {};
    const result = step(kind, status, figures);
    const neverRecorded = status === P.PENDING || status === P.NOT_REQUIRED;
    if (rule.statuses.includes(status)) {
      expect('fields' in result).toBe(false);
    } else if (neverRecorded) {
      expect(result).toEqual({ reason: expect.any(String) });
    } else {
      expect(result).toEqual({
        fields: { status: `a ${kind} records ${rule.statuses.join(', ')}, not ${status}` },
      });
    }
  });

  it('gives tallies to a VOTE only', () => {
    const tally = { votesFor: 1, votesAgainst: 0, abstentions: 0 };
    expect(isMove(step(K.VOTE, P.APPROVED, tally))).toBe(true);
    for (const kind of [K.EXECUTIVE_DECISION, K.COURT_REVIEW, K.PROMULGATION]) {
      expect(step(kind, P.APPROVED, { votesFor: 3 })).toEqual({
        fields: { votesFor: `a ${kind} has no tally; only a VOTE has one` },
      });
    }
    expect(
      step(K.REFERENDUM, P.APPROVED, { yesPercent: 60, turnoutPercent: 50, abstentions: 2 }),
    ).toEqual({
      fields: {
        abstentions: 'a REFERENDUM has no tally: give its result as yesPercent and turnoutPercent',
      },
    });
  });

  it('needs both figures with a referendum’s result, from 0 to 100, and none before it', () => {
    expect(step(K.REFERENDUM, P.REJECTED, { yesPercent: 46.6 })).toEqual({
      fields: {
        turnoutPercent: "a referendum's result needs its turnout, in percent",
      },
    });
    expect(step(K.REFERENDUM, P.APPROVED)).toEqual({
      fields: {
        yesPercent: "a referendum's result needs its share of yes votes, in percent",
        turnoutPercent: "a referendum's result needs its turnout, in percent",
      },
    });
    for (const bad of [-0.1, 100.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(step(K.REFERENDUM, P.APPROVED, { yesPercent: bad, turnoutPercent: 50 })).toEqual({
        fields: { yesPercent: `${bad} is not a percentage from 0 to 100` },
      });
    }
    expect(isMove(step(K.REFERENDUM, P.APPROVED, { yesPercent: 0, turnoutPercent: 100 }))).toBe(
      true,
    );
    expect(step(K.REFERENDUM, P.SUBMITTED, { turnoutPercent: 50 })).toEqual({
      fields: {
        turnoutPercent:
          "a referendum's figures come with its result (APPROVED or REJECTED), not with SUBMITTED",
      },
    });
  });

  it('refuses a referendum’s figures and `binding` on any other kind', () => {
    expect(step(K.VOTE, P.APPROVED, { yesPercent: 50, binding: true })).toEqual({
      fields: {
        yesPercent: 'goes with a REFERENDUM only, not with a VOTE',
        binding: 'goes with a REFERENDUM only, not with a VOTE',
      },
    });
  });

  it('records an advisory referendum without moving the track', () => {
    const party = ru({ approvalStatus: P.SUBMITTED });
    const advisory = { kind: K.REFERENDUM, yesPercent: 38.2, turnoutPercent: 32.3 };
    expect(
      procedureStep(party, { ...advisory, status: P.REJECTED, binding: false }, false),
    ).toEqual({
      approvalStatus: P.SUBMITTED,
      approvalBody: 0,
      body: 'State Duma',
      kind: K.REFERENDUM,
      binding: false,
      newAttempt: false,
    });
    expect(procedureStep(party, { ...advisory, status: P.REJECTED }, false)).toMatchObject({
      approvalStatus: P.REJECTED,
      binding: true,
    });
  });
});

describe('bodies acting in order', () => {
  it('passes the party on: SUBMITTED to the next body, APPROVED only after the last', () => {
    const duma = procedureStep(ru({ approvalStatus: P.SUBMITTED }), { status: P.APPROVED }, false);
    expect(duma).toEqual({
      approvalStatus: P.SUBMITTED,
      approvalBody: 1,
      body: 'State Duma',
      kind: K.VOTE,
      binding: null,
      newAttempt: false,
    });
    const council = procedureStep(
      ru({ approvalStatus: P.SUBMITTED, approvalBody: 1 }),
      { status: P.APPROVED },
      false,
    );
    expect(council).toMatchObject({ approvalStatus: P.APPROVED, approvalBody: 1 });
  });

  it('refuses a body the party does not have, naming its bodies', () => {
    expect(procedureStep(ru(), { status: P.SUBMITTED, body: 'Senate' }, false)).toEqual({
      fields: { body: "Senate is not one of RU's bodies (State Duma, Federation Council)" },
    });
  });

  it('refuses a later body before the earlier one approved, and an earlier one after', () => {
    expect(
      procedureStep(
        ru({ approvalStatus: P.IN_COMMITTEE }),
        { status: P.SUBMITTED, body: 'Federation Council' },
        false,
      ),
    ).toEqual({
      fields: {
        body: 'State Duma has not approved it yet (IN_COMMITTEE), and Federation Council comes after it',
      },
    });
    expect(
      procedureStep(
        ru({ approvalStatus: P.SUBMITTED, approvalBody: 1 }),
        { status: P.APPROVED, body: 'State Duma' },
        false,
      ),
    ).toEqual({
      fields: { body: 'State Duma has already approved it; Federation Council holds it now' },
    });
  });

  it('follows each body’s own track, naming the body in a refusal', () => {
    expect(
      procedureStep(
        ru({ approvalStatus: P.SUBMITTED, approvalBody: 1 }),
        { status: P.SUBMITTED },
        false,
      ),
    ).toEqual({
      reason: "approval steps only move forward, and RU's Federation Council is already SUBMITTED",
    });
  });
});

describe('a second attempt', () => {
  const rejected = ru({ approvalStatus: P.REJECTED, approvalBody: 1 });

  it('is refused under MANUAL, where the rejection rejected the agreement', () => {
    expect(procedureStep(rejected, { status: P.SUBMITTED }, false)).toEqual({
      reason:
        "RU's Federation Council rejected it, and under the MANUAL rule a rejection rejects the agreement: there is no second attempt unless the agreement is renegotiated (RENEGOTIATE)",
    });
  });

  it('starts again at the body that rejected it, or an earlier one, from PENDING', () => {
    expect(procedureStep(rejected, { status: P.SUBMITTED }, true)).toMatchObject({
      approvalStatus: P.SUBMITTED,
      approvalBody: 1,
      newAttempt: true,
    });
    expect(
      procedureStep(rejected, { status: P.SUBMITTED, body: 'State Duma' }, true),
    ).toMatchObject({ approvalStatus: P.SUBMITTED, approvalBody: 0, newAttempt: true });
    expect(procedureStep(rejected, { status: P.REJECTED }, true)).toEqual({
      reason:
        "a new attempt starts at PENDING: REJECTED is reachable only from SUBMITTED, IN_COMMITTEE, COMMITTEE_APPROVED, and RU's Federation Council is PENDING",
    });
    const duma = ru({ approvalStatus: P.REJECTED });
    expect(procedureStep(duma, { status: P.SUBMITTED, body: 'Federation Council' }, true)).toEqual({
      fields: {
        body: 'State Duma rejected it: a new attempt starts there or at an earlier body, not at Federation Council',
      },
    });
  });

  it('is listed among the available steps outside MANUAL only', () => {
    expect(availableApprovalSteps(S.PARLIAMENTARY_REVIEW, rejected, false)).toEqual([]);
    expect(availableApprovalSteps(S.PARLIAMENTARY_REVIEW, rejected, true)).toEqual([
      P.SUBMITTED,
      P.IN_COMMITTEE,
      P.COMMITTEE_APPROVED,
      P.APPROVED,
    ]);
  });
});

/**
 * The rules against a model written the other way round: every body's status in an array, the
 * party's status read off it (the first body that has not approved; REJECTED if one rejected).
 */
describe('any sequence of steps, against a model of every body', () => {
  const BODIES = ['Dáil', 'Seanad', 'People'];
  const statuses = [
    P.PENDING,
    P.SUBMITTED,
    P.IN_COMMITTEE,
    P.COMMITTEE_APPROVED,
    P.APPROVED,
    P.REJECTED,
  ];

  function modelStep(model: P[], body: number, status: P, retry: boolean): P[] | null {
    const rejectedAt = model.indexOf(P.REJECTED);
    let next = [...model];
    if (rejectedAt >= 0) {
      if (!retry || body > rejectedAt) {
        return null;
      }
      next = next.map((current, index) => (index >= body ? P.PENDING : current));
    }
    if (next.slice(0, body).some((current) => current !== P.APPROVED)) {
      return null;
    }
    if (trackRefusal('x', next[body], status) !== null) {
      return null;
    }
    next[body] = status;
    if (status === P.APPROVED && body + 1 < next.length) {
      next[body + 1] = P.SUBMITTED;
    }
    return next;
  }

  const summary = (model: P[]) =>
    model.includes(P.REJECTED) ? P.REJECTED : (model.find((s) => s !== P.APPROVED) ?? P.APPROVED);
  const holder = (model: P[]) => {
    const rejectedAt = model.indexOf(P.REJECTED);
    if (rejectedAt >= 0) return rejectedAt;
    const waiting = model.findIndex((s) => s !== P.APPROVED);
    return waiting < 0 ? model.length - 1 : waiting;
  };

  it('agrees with the model on what is allowed and where it leaves the party', () => {
    const step = fc.record({
      body: fc.option(fc.nat({ max: BODIES.length - 1 }), { nil: null }),
      status: fc.constantFrom(...statuses),
    });
    fc.assert(
      fc.property(fc.boolean(), fc.array(step, { maxLength: 30 }), (retry, steps) => {
        let model: P[] = BODIES.map(() => P.PENDING);
        let party: PartyState = { ...ru(), bodies: BODIES };
        for (const { body, status } of steps) {
          const index = body ?? holder(model);
          const expected = modelStep(model, index, status, retry);
          const result = procedureStep(
            party,
            { status, body: body === null ? null : BODIES[body] },
            retry,
          );
          if (expected === null) {
            expect(isMove(result)).toBe(false);
            continue;
          }
          expect(isMove(result)).toBe(true);
          const move = result as ProcedureMove;
          expect(move.newAttempt).toBe(model.includes(P.REJECTED));
          model = expected;
          expect([move.approvalStatus, move.approvalBody]).toEqual([summary(model), holder(model)]);
          party = {
            ...party,
            approvalStatus: move.approvalStatus,
            approvalBody: move.approvalBody,
          };
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('recording steps in an agreement', () => {
  const us: PartyState = {
    code: 'US',
    approvalRequired: true,
    approvalStatus: P.APPROVED,
    approvalUpdatedAt: null,
  };
  const review = (party: PartyState): AgreementState => ({
    stage: S.PARLIAMENTARY_REVIEW,
    stageEnteredAt: entered,
    parties: [us, party],
  });

  it('ratifies only once the second body has approved (New START, MANUAL)', () => {
    const duma = recordApprovalStep(
      review(ru()),
      'RU',
      { status: P.APPROVED, votesFor: 350, votesAgainst: 58 },
      day(4),
    );
    expect(duma.agreement.stage).toBe(S.PARLIAMENTARY_REVIEW);
    expect(duma.events).toEqual([
      {
        type: 'APPROVAL_UPDATED',
        partyCode: 'RU',
        fromStatus: P.PENDING,
        approvalStatus: P.APPROVED,
        partyApprovalStatus: P.SUBMITTED,
        body: 'State Duma',
        kind: K.VOTE,
        binding: null,
        attempt: 1,
        derived: false,
      },
    ]);
    const council = recordApprovalStep(duma.agreement, 'RU', P.APPROVED, day(5));
    expect(council.agreement.stage).toBe(S.RATIFIED);
    expect(
      council.events.map((event) => [event.type, 'body' in event ? event.body : null]),
    ).toEqual([
      ['APPROVAL_UPDATED', 'Federation Council'],
      ['STAGE_CHANGED', null],
    ]);
  });

  it('outside MANUAL, keeps the agreement in review after a rejection and counts the next attempt', () => {
    const rules = { ratify: true, reject: false };
    const ie = ru({
      code: 'IE',
      bodies: ['Oireachtas', 'People'],
      approvalStatus: P.SUBMITTED,
      approvalBody: 1,
    });
    const referendum = { kind: K.REFERENDUM, yesPercent: 46.6, turnoutPercent: 53.1 };
    const no = recordApprovalStep(
      review(ie),
      'IE',
      { ...referendum, status: P.REJECTED },
      day(1),
      rules,
    );
    expect(no.agreement.stage).toBe(S.PARLIAMENTARY_REVIEW);
    expect(no.agreement.parties[1]).toMatchObject({
      approvalStatus: P.REJECTED,
      approvalAttempt: 1,
    });

    const called = recordApprovalStep(
      no.agreement,
      'IE',
      { kind: K.REFERENDUM, status: P.SUBMITTED },
      day(300),
      rules,
    );
    expect(called.events[0]).toMatchObject({
      attempt: 2,
      partyApprovalStatus: P.SUBMITTED,
      body: 'People',
    });
    const yes = recordApprovalStep(
      called.agreement,
      'IE',
      { ...referendum, yesPercent: 67.1, turnoutPercent: 59, status: P.APPROVED },
      day(301),
      rules,
    );
    expect(yes.agreement.stage).toBe(S.RATIFIED);
    expect(yes.agreement.parties[1]).toMatchObject({
      approvalStatus: P.APPROVED,
      approvalAttempt: 2,
    });
    expect(yes.events[1]).toMatchObject({ action: A.RATIFY, derived: true });
  });

  it('under MANUAL, says why a rejected party has no second attempt', () => {
    const no = recordApprovalStep(
      review(ru({ approvalStatus: P.SUBMITTED })),
      'RU',
      P.REJECTED,
      day(1),
    );
    expect(no.agreement.stage).toBe(S.REJECTED);
    expect(() => recordApprovalStep(no.agreement, 'RU', P.SUBMITTED, day(2))).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_TRANSITION,
        details: expect.objectContaining({
          reason:
            "approval steps are recorded only during PARLIAMENTARY_REVIEW, and the agreement is REJECTED: under the MANUAL rule RU's rejection rejected the agreement, and a new attempt needs RENEGOTIATE first",
        }),
      }),
    );
  });

  it('refuses bad fields as BAD_USER_INPUT naming them, and the track as INVALID_TRANSITION', () => {
    expect(() =>
      recordApprovalStep(review(ru()), 'RU', { status: P.SUBMITTED, body: 'Senate' }, day(1)),
    ).toThrow(
      expect.objectContaining({
        code: ErrorCode.BAD_USER_INPUT,
        details: { fields: { body: expect.stringContaining('Senate is not one of') } },
      }),
    );
    expect(() => recordApprovalStep(review(ru()), 'RU', P.REJECTED, day(1))).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_TRANSITION }),
    );
  });

  it('an advisory referendum’s REJECTED rejects nothing', () => {
    const outcome = recordApprovalStep(
      review(ru({ approvalStatus: P.SUBMITTED })),
      'RU',
      {
        status: P.REJECTED,
        kind: K.REFERENDUM,
        binding: false,
        yesPercent: 38,
        turnoutPercent: 32,
      },
      day(1),
    );
    expect(outcome.agreement.stage).toBe(S.PARLIAMENTARY_REVIEW);
    expect(outcome.events).toEqual([
      expect.objectContaining({
        approvalStatus: P.REJECTED,
        partyApprovalStatus: P.SUBMITTED,
        binding: false,
      }),
    ]);
  });
});
