import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../common/domain-error.js';
import {
  AgreementStage as S,
  APPROVAL_STEPS,
  ApprovalStatus as P,
  approvalStepRefusal,
  availableActions,
  availableApprovalSteps,
  recordApprovalStep,
  registeredState,
  STAGES,
  transition,
  TRANSITIONS,
  workflowDiagram,
  WorkflowAction as A,
  type AgreementState,
  type PartyState,
} from './index.js';

const DAY = 24 * 3600 * 1000;
const entered = new Date('2021-03-07T00:00:00Z');
const later = new Date(entered.getTime() + DAY);

function party(code: string, approvalStatus: P, overrides: Partial<PartyState> = {}): PartyState {
  return {
    code,
    approvalRequired: approvalStatus !== P.NOT_REQUIRED,
    approvalStatus,
    approvalUpdatedAt: null,
    ...overrides,
  };
}

/** US needs no vote, KR does (the SMA); override to build the case at hand. */
function agreement(
  stage: S,
  parties: PartyState[] = [party('US', P.NOT_REQUIRED), party('KR', P.PENDING)],
): AgreementState {
  return { stage, stageEnteredAt: entered, parties };
}

/** An agreement in `stage` whose guards all hold for `action`. */
function satisfying(action: A, stage: S): AgreementState {
  switch (action) {
    case A.RATIFY:
      return stage === S.SIGNED
        ? agreement(stage, [party('US', P.NOT_REQUIRED), party('KR', P.NOT_REQUIRED)])
        : agreement(stage, [party('US', P.NOT_REQUIRED), party('KR', P.APPROVED)]);
    case A.REJECT:
      return agreement(stage, [party('US', P.NOT_REQUIRED), party('KR', P.REJECTED)]);
    default:
      return agreement(stage);
  }
}

const rows = TRANSITIONS.flatMap((row) =>
  row.from.map((from) => [row.action, from, row.to] as const),
);
const refused = Object.values(A).flatMap((action) =>
  STAGES.filter((stage) => !rows.some(([a, from]) => a === action && from === stage)).map(
    (stage) => [action, stage] as const,
  ),
);

describe('the stage table', () => {
  it('is the table of docs/design.md §1', () => {
    expect(rows).toEqual([
      [A.STALL, S.NEGOTIATION, S.STALLED],
      [A.RESUME, S.STALLED, S.NEGOTIATION],
      [A.REACH_AGREEMENT_IN_PRINCIPLE, S.NEGOTIATION, S.AGREEMENT_IN_PRINCIPLE],
      [A.REOPEN, S.AGREEMENT_IN_PRINCIPLE, S.NEGOTIATION],
      [A.SIGN, S.AGREEMENT_IN_PRINCIPLE, S.SIGNED],
      [A.SUBMIT_FOR_APPROVAL, S.SIGNED, S.PARLIAMENTARY_REVIEW],
      [A.RATIFY, S.SIGNED, S.RATIFIED],
      [A.RATIFY, S.PARLIAMENTARY_REVIEW, S.RATIFIED],
      [A.REJECT, S.PARLIAMENTARY_REVIEW, S.REJECTED],
      [A.RENEGOTIATE, S.REJECTED, S.NEGOTIATION],
      [A.ENTER_INTO_FORCE, S.RATIFIED, S.IN_FORCE],
      [A.EXPIRE, S.IN_FORCE, S.EXPIRED],
      [A.TERMINATE, S.IN_FORCE, S.TERMINATED],
      [A.WITHDRAW, S.NEGOTIATION, S.WITHDRAWN],
      [A.WITHDRAW, S.STALLED, S.WITHDRAWN],
      [A.WITHDRAW, S.AGREEMENT_IN_PRINCIPLE, S.WITHDRAWN],
      [A.WITHDRAW, S.SIGNED, S.WITHDRAWN],
      [A.WITHDRAW, S.PARLIAMENTARY_REVIEW, S.WITHDRAWN],
      [A.WITHDRAW, S.REJECTED, S.WITHDRAWN],
    ]);
  });

  it.each(rows)('%s moves %s to %s, as of occurredAt', (action, from, to) => {
    const before = satisfying(action, from);
    const outcome = transition(before, action, later);

    expect(outcome.agreement.stage).toBe(to);
    expect(outcome.agreement.stageEnteredAt).toEqual(later);
    expect(outcome.events[0]).toEqual({
      type: 'STAGE_CHANGED',
      action,
      fromStage: from,
      toStage: to,
      derived: false,
    });
    expect(before.stage).toBe(from); // the input is not modified
  });

  it.each(refused)('refuses %s from %s', (action, stage) => {
    expect(() => transition(satisfying(action, stage), action, later)).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_TRANSITION,
        details: expect.objectContaining({ stage, action, reason: expect.any(String) }),
      }),
    );
  });

  it.each([S.EXPIRED, S.TERMINATED, S.WITHDRAWN])('makes %s final', (stage) => {
    expect(availableActions(agreement(stage))).toEqual([]);
    expect(() => transition(agreement(stage), A.RESUME, later)).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ reason: `${stage} is a final stage` }),
      }),
    );
  });

  it('lists every transition whose row starts at the stage and whose guard holds', () => {
    expect(availableActions(agreement(S.NEGOTIATION))).toEqual([
      A.STALL,
      A.REACH_AGREEMENT_IN_PRINCIPLE,
      A.WITHDRAW,
    ]);
    expect(availableActions(agreement(S.SIGNED))).toEqual([A.SUBMIT_FOR_APPROVAL, A.WITHDRAW]);
    expect(availableActions(agreement(S.PARLIAMENTARY_REVIEW))).toEqual([A.WITHDRAW]);
    expect(availableActions(agreement(S.RATIFIED))).toEqual([A.ENTER_INTO_FORCE]);
    expect(availableActions(agreement(S.IN_FORCE))).toEqual([A.EXPIRE, A.TERMINATE]);
  });

  it('names the allowed actions and the reason when it refuses', () => {
    expect(() => transition(agreement(S.NEGOTIATION), A.SIGN, later)).toThrow(
      expect.objectContaining({
        message:
          'Cannot SIGN an agreement in NEGOTIATION: SIGN is possible only from AGREEMENT_IN_PRINCIPLE.',
        details: {
          stage: S.NEGOTIATION,
          action: A.SIGN,
          availableActions: [A.STALL, A.REACH_AGREEMENT_IN_PRINCIPLE, A.WITHDRAW],
          reason: 'SIGN is possible only from AGREEMENT_IN_PRINCIPLE',
        },
      }),
    );
  });

  it('refuses a change dated before the current stage began, as bad input', () => {
    const before = new Date(entered.getTime() - 1);
    expect(() => transition(agreement(S.NEGOTIATION), A.STALL, before)).toThrow(
      expect.objectContaining({
        code: ErrorCode.BAD_USER_INPUT,
        details: {
          fields: { occurredAt: expect.stringContaining('before the agreement entered') },
        },
      }),
    );
    expect(transition(agreement(S.NEGOTIATION), A.STALL, entered).agreement.stage).toBe(S.STALLED);
  });
});

describe('the guards', () => {
  const pr = (...parties: PartyState[]) => agreement(S.PARLIAMENTARY_REVIEW, parties);
  const signed = (...parties: PartyState[]) => agreement(S.SIGNED, parties);
  const us = party('US', P.NOT_REQUIRED);

  it('SUBMIT_FOR_APPROVAL needs a party that requires approval', () => {
    expect(
      transition(signed(us, party('KR', P.PENDING)), A.SUBMIT_FOR_APPROVAL, later).agreement.stage,
    ).toBe(S.PARLIAMENTARY_REVIEW);
    expect(() =>
      transition(signed(us, party('GB', P.NOT_REQUIRED)), A.SUBMIT_FOR_APPROVAL, later),
    ).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_TRANSITION,
        details: expect.objectContaining({
          reason: expect.stringContaining('RATIFY directly'),
          availableActions: [A.RATIFY, A.WITHDRAW],
        }),
      }),
    );
  });

  it('RATIFY from SIGNED needs that no party requires approval', () => {
    expect(
      transition(signed(us, party('GB', P.NOT_REQUIRED)), A.RATIFY, later).agreement.stage,
    ).toBe(S.RATIFIED);
    expect(() => transition(signed(us, party('KR', P.PENDING)), A.RATIFY, later)).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({
          reason: 'KR must approve it in their legislature first: SUBMIT_FOR_APPROVAL',
        }),
      }),
    );
  });

  it('RATIFY from PARLIAMENTARY_REVIEW needs every required party APPROVED', () => {
    expect(
      transition(pr(us, party('KR', P.APPROVED), party('JP', P.APPROVED)), A.RATIFY, later)
        .agreement.stage,
    ).toBe(S.RATIFIED);
    expect(() =>
      transition(pr(us, party('KR', P.APPROVED), party('JP', P.IN_COMMITTEE)), A.RATIFY, later),
    ).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({
          reason: 'still waiting for approval by JP (IN_COMMITTEE)',
        }),
      }),
    );
  });

  it('REJECT needs a party that rejected', () => {
    expect(transition(pr(us, party('KR', P.REJECTED)), A.REJECT, later).agreement.stage).toBe(
      S.REJECTED,
    );
    expect(() => transition(pr(us, party('KR', P.IN_COMMITTEE)), A.REJECT, later)).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ reason: 'no party has rejected it' }),
      }),
    );
  });

  it('RENEGOTIATE resets every required party to PENDING, one derived event each', () => {
    const rejected = agreement(S.REJECTED, [
      us,
      party('KR', P.REJECTED),
      party('JP', P.APPROVED),
      party('FR', P.PENDING),
    ]);
    const outcome = transition(rejected, A.RENEGOTIATE, later);

    expect(outcome.agreement.parties.map((p) => [p.code, p.approvalStatus])).toEqual([
      ['US', P.NOT_REQUIRED],
      ['KR', P.PENDING],
      ['JP', P.PENDING],
      ['FR', P.PENDING],
    ]);
    expect(outcome.events.slice(1)).toEqual([
      {
        type: 'APPROVAL_UPDATED',
        partyCode: 'KR',
        fromStatus: P.REJECTED,
        approvalStatus: P.PENDING,
        partyApprovalStatus: P.PENDING,
        body: null,
        kind: null,
        binding: null,
        attempt: 2,
        derived: true,
      },
      {
        type: 'APPROVAL_UPDATED',
        partyCode: 'JP',
        fromStatus: P.APPROVED,
        approvalStatus: P.PENDING,
        partyApprovalStatus: P.PENDING,
        body: null,
        kind: null,
        binding: null,
        attempt: 2,
        derived: true,
      },
    ]);
  });
});

describe('the approval track', () => {
  const review = (kr: P, overrides: Partial<PartyState> = {}) =>
    agreement(S.PARLIAMENTARY_REVIEW, [
      party('US', P.NOT_REQUIRED),
      party('KR', kr, overrides),
      party('JP', P.PENDING),
    ]);
  const statuses = Object.values(P);
  const allowed = new Set([
    ...APPROVAL_STEPS.flatMap((from, i) =>
      APPROVAL_STEPS.slice(i + 1).map((to) => `${from}>${to}`),
    ),
    `${P.SUBMITTED}>${P.REJECTED}`,
    `${P.IN_COMMITTEE}>${P.REJECTED}`,
    `${P.COMMITTEE_APPROVED}>${P.REJECTED}`,
  ]);
  const pairs = statuses
    .filter((from) => from !== P.NOT_REQUIRED)
    .flatMap((from) => statuses.map((to) => [from, to, allowed.has(`${from}>${to}`)] as const));

  it.each(statuses)('lists from %s exactly the steps allowed, in review only', (from) => {
    const kr = party('KR', from);
    expect(availableApprovalSteps(S.PARLIAMENTARY_REVIEW, kr)).toEqual(
      statuses.filter((to) => from !== P.NOT_REQUIRED && allowed.has(`${from}>${to}`)),
    );
    for (const stage of STAGES.filter((stage) => stage !== S.PARLIAMENTARY_REVIEW)) {
      expect(availableApprovalSteps(stage, kr)).toEqual([]);
    }
  });

  it.each(pairs)('from %s to %s is allowed: %s', (from, to, ok) => {
    const refusal = approvalStepRefusal(party('KR', from), to);
    if (ok) {
      expect(refusal).toBeNull();
      const outcome = recordApprovalStep(review(from), 'KR', to, later);
      expect(outcome.agreement.parties[1]).toMatchObject({
        approvalStatus: to,
        approvalUpdatedAt: later,
      });
      expect(outcome.events[0]).toEqual({
        type: 'APPROVAL_UPDATED',
        partyCode: 'KR',
        fromStatus: from,
        approvalStatus: to,
        partyApprovalStatus: to,
        body: 'Legislature',
        kind: 'VOTE',
        binding: null,
        attempt: 1,
        derived: false,
      });
    } else {
      expect(refusal).toEqual(expect.any(String));
      expect(() => recordApprovalStep(review(from), 'KR', to, later)).toThrow(
        expect.objectContaining({
          code: ErrorCode.INVALID_TRANSITION,
          details: expect.objectContaining({
            partyCode: 'KR',
            approvalStatus: from,
            requestedApprovalStatus: to,
          }),
        }),
      );
    }
  });

  it('refuses a step for a party that needs no vote', () => {
    expect(() => recordApprovalStep(review(P.PENDING), 'US', P.SUBMITTED, later)).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_TRANSITION,
        details: expect.objectContaining({
          reason: 'US does not need a legislative vote (approvalRequired is false)',
        }),
      }),
    );
  });

  it('refuses an unknown party as NOT_FOUND, naming the parties', () => {
    expect(() => recordApprovalStep(review(P.PENDING), 'FR', P.SUBMITTED, later)).toThrow(
      expect.objectContaining({
        code: ErrorCode.NOT_FOUND,
        message: 'The agreement has no party FR; its parties are US, KR, JP.',
      }),
    );
  });

  it.each(STAGES.filter((stage) => stage !== S.PARLIAMENTARY_REVIEW))(
    'refuses steps while %s',
    (stage) => {
      expect(() => recordApprovalStep(agreement(stage), 'KR', P.SUBMITTED, later)).toThrow(
        expect.objectContaining({
          code: ErrorCode.INVALID_TRANSITION,
          details: expect.objectContaining({
            stage,
            reason: expect.stringContaining('only during PARLIAMENTARY_REVIEW'),
          }),
        }),
      );
    },
  );

  it('refuses a step dated before the review began or before the party’s previous step', () => {
    const early = new Date(entered.getTime() - DAY);
    expect(() => recordApprovalStep(review(P.PENDING), 'KR', P.SUBMITTED, early)).toThrow(
      expect.objectContaining({
        code: ErrorCode.BAD_USER_INPUT,
        details: { fields: { occurredAt: expect.any(String) } },
      }),
    );
    const stepped = review(P.SUBMITTED, { approvalUpdatedAt: new Date(later.getTime() + DAY) });
    expect(() => recordApprovalStep(stepped, 'KR', P.IN_COMMITTEE, later)).toThrow(
      expect.objectContaining({
        details: { fields: { occurredAt: expect.stringContaining("KR's previous approval step") } },
      }),
    );
  });

  it('ratifies with the last required approval, as a derived move', () => {
    const first = recordApprovalStep(review(P.COMMITTEE_APPROVED), 'KR', P.APPROVED, later);
    expect(first.agreement.stage).toBe(S.PARLIAMENTARY_REVIEW);
    expect(first.events).toHaveLength(1);

    const last = recordApprovalStep(first.agreement, 'JP', P.APPROVED, later);
    expect(last.agreement.stage).toBe(S.RATIFIED);
    expect(last.agreement.stageEnteredAt).toEqual(later);
    expect(last.events).toEqual([
      {
        type: 'APPROVAL_UPDATED',
        partyCode: 'JP',
        fromStatus: P.PENDING,
        approvalStatus: P.APPROVED,
        partyApprovalStatus: P.APPROVED,
        body: 'Legislature',
        kind: 'VOTE',
        binding: null,
        attempt: 1,
        derived: false,
      },
      {
        type: 'STAGE_CHANGED',
        action: A.RATIFY,
        fromStage: S.PARLIAMENTARY_REVIEW,
        toStage: S.RATIFIED,
        derived: true,
      },
    ]);
  });

  it('rejects with a rejection, as a derived move', () => {
    const outcome = recordApprovalStep(review(P.IN_COMMITTEE), 'KR', P.REJECTED, later);
    expect(outcome.agreement.stage).toBe(S.REJECTED);
    expect(outcome.events.map((e) => e.type)).toEqual(['APPROVAL_UPDATED', 'STAGE_CHANGED']);
    expect(outcome.events[1]).toMatchObject({ action: A.REJECT, derived: true });
  });
});

describe('registering an agreement already under way', () => {
  const parties = [
    { code: 'US', approvalRequired: false },
    { code: 'KR', approvalRequired: true },
  ];

  it.each(STAGES.filter((stage) => stage !== S.REJECTED))(
    'at %s sets the approval tracks',
    (stage) => {
      const state = registeredState(stage, parties, entered);
      const approved = [S.RATIFIED, S.IN_FORCE, S.EXPIRED, S.TERMINATED].includes(stage);
      expect(state.parties.map((p) => p.approvalStatus)).toEqual([
        P.NOT_REQUIRED,
        approved ? P.APPROVED : P.PENDING,
      ]);
      expect(state).toMatchObject({ stage, stageEnteredAt: entered });
    },
  );

  it('refuses REJECTED, which needs to know who rejected', () => {
    expect(() => registeredState(S.REJECTED, parties, entered)).toThrow(
      expect.objectContaining({
        code: ErrorCode.BAD_USER_INPUT,
        details: { fields: { stage: expect.any(String) } },
      }),
    );
  });

  it('refuses PARLIAMENTARY_REVIEW when no party needs a vote', () => {
    const noVote = parties.map((p) => ({ ...p, approvalRequired: false }));
    expect(() => registeredState(S.PARLIAMENTARY_REVIEW, noVote, entered)).toThrow(
      expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT }),
    );
  });
});

describe('the diagram', () => {
  it('draws one arrow per row and source stage, entry and final stages', () => {
    const lines = workflowDiagram().split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('    [*] --> NEGOTIATION');
    expect(lines).toContain('    SIGNED --> PARLIAMENTARY_REVIEW: SUBMIT_FOR_APPROVAL *');
    expect(lines).toContain('    WITHDRAWN --> [*]');
    expect(lines.filter((line) => line.includes(': '))).toHaveLength(rows.length);
  });
});
