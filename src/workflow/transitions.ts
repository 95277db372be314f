import { AgreementStage as S, ApprovalStatus, WorkflowAction as A } from './stages.js';

/** One party as the workflow sees it. */
export interface PartyState {
  readonly code: string;
  readonly approvalRequired: boolean;
  readonly approvalStatus: ApprovalStatus;
  /** Real-world date of the party's last approval step, if any. */
  readonly approvalUpdatedAt: Date | null;
  /** Its bodies in order (procedure.ts); absent or null, its legislature alone. */
  readonly bodies?: readonly string[] | null;
  readonly legislature?: string | null;
  /** The index of the body whose track `approvalStatus` shows; absent, 0. */
  readonly approvalBody?: number;
  /** 1, then one more for each new attempt after a rejection or a renegotiation; absent, 1. */
  readonly approvalAttempt?: number;
}

/** The part of an agreement the workflow decides on. */
export interface AgreementState {
  readonly stage: S;
  /** Real-world date the agreement entered its current stage. */
  readonly stageEnteredAt: Date;
  readonly parties: readonly PartyState[];
}

export interface Guard {
  /** The condition in words, as the `workflow` query and the README show it. */
  readonly description: string;
  /** Why the guard fails for this agreement now, or null when it holds. */
  readonly refusal: (agreement: AgreementState) => string | null;
}

export interface Transition {
  readonly action: A;
  readonly from: readonly S[];
  readonly to: S;
  readonly guard?: Guard;
  /** Every party that needs approval starts its approval track again (PENDING). */
  readonly resetsApprovals?: true;
}

const requiredParties = (agreement: AgreementState) =>
  agreement.parties.filter((party) => party.approvalRequired);

const codes = (parties: readonly PartyState[]) => parties.map((party) => party.code).join(', ');

const someoneMustApprove: Guard = {
  description: 'at least one party has approvalRequired',
  refusal: (agreement) =>
    requiredParties(agreement).length > 0
      ? null
      : 'no party needs a legislative vote, so there is nothing to submit: RATIFY directly',
};

const everyRequiredApproved: Guard = {
  description:
    'every party with approvalRequired is APPROVED (from SIGNED only when no party requires approval)',
  refusal: (agreement) => {
    const required = requiredParties(agreement);
    if (agreement.stage === S.SIGNED) {
      return required.length === 0
        ? null
        : `${codes(required)} must approve it in their legislature first: SUBMIT_FOR_APPROVAL`;
    }
    const waiting = required.filter((party) => party.approvalStatus !== ApprovalStatus.APPROVED);
    return waiting.length === 0
      ? null
      : `still waiting for approval by ${waiting
          .map((party) => `${party.code} (${party.approvalStatus})`)
          .join(', ')}`;
  },
};

const someoneRejected: Guard = {
  description: 'some party is REJECTED',
  refusal: (agreement) =>
    agreement.parties.some((party) => party.approvalStatus === ApprovalStatus.REJECTED)
      ? null
      : 'no party has rejected it',
};

/**
 * The stage table: the single source for enforcement (`transition`), `availableActions` and the
 * `workflow` query. docs/design.md §1 is its specification.
 */
export const TRANSITIONS: readonly Transition[] = [
  { action: A.STALL, from: [S.NEGOTIATION], to: S.STALLED },
  { action: A.RESUME, from: [S.STALLED], to: S.NEGOTIATION },
  { action: A.REACH_AGREEMENT_IN_PRINCIPLE, from: [S.NEGOTIATION], to: S.AGREEMENT_IN_PRINCIPLE },
  { action: A.REOPEN, from: [S.AGREEMENT_IN_PRINCIPLE], to: S.NEGOTIATION },
  { action: A.SIGN, from: [S.AGREEMENT_IN_PRINCIPLE], to: S.SIGNED },
  {
    action: A.SUBMIT_FOR_APPROVAL,
    from: [S.SIGNED],
    to: S.PARLIAMENTARY_REVIEW,
    guard: someoneMustApprove,
  },
  {
    action: A.RATIFY,
    from: [S.SIGNED, S.PARLIAMENTARY_REVIEW],
    to: S.RATIFIED,
    guard: everyRequiredApproved,
  },
  { action: A.REJECT, from: [S.PARLIAMENTARY_REVIEW], to: S.REJECTED, guard: someoneRejected },
  { action: A.RENEGOTIATE, from: [S.REJECTED], to: S.NEGOTIATION, resetsApprovals: true },
  { action: A.ENTER_INTO_FORCE, from: [S.RATIFIED], to: S.IN_FORCE },
  { action: A.EXPIRE, from: [S.IN_FORCE], to: S.EXPIRED },
  { action: A.TERMINATE, from: [S.IN_FORCE], to: S.TERMINATED },
  {
    action: A.WITHDRAW,
    from: [
      S.NEGOTIATION,
      S.STALLED,
      S.AGREEMENT_IN_PRINCIPLE,
      S.SIGNED,
      S.PARLIAMENTARY_REVIEW,
      S.REJECTED,
    ],
    to: S.WITHDRAWN,
  },
];

/**
 * A party's approval track: the ordered steps (a step may skip forward), which steps may end in
 * REJECTED, and the statuses that end the track.
 */
export const APPROVAL_STEPS: readonly ApprovalStatus[] = [
  ApprovalStatus.PENDING,
  ApprovalStatus.SUBMITTED,
  ApprovalStatus.IN_COMMITTEE,
  ApprovalStatus.COMMITTEE_APPROVED,
  ApprovalStatus.APPROVED,
];
export const REJECTABLE_FROM: readonly ApprovalStatus[] = [
  ApprovalStatus.SUBMITTED,
  ApprovalStatus.IN_COMMITTEE,
  ApprovalStatus.COMMITTEE_APPROVED,
];
export const FINAL_APPROVAL_STATUSES: readonly ApprovalStatus[] = [
  ApprovalStatus.APPROVED,
  ApprovalStatus.REJECTED,
];
