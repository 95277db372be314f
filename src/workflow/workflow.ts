import { DomainError, ErrorCode } from '../common/domain-error.js';
import { AgreementStage, ApprovalStatus, FINAL_STAGES, WorkflowAction } from './stages.js';
import {
  APPROVAL_STEPS,
  TRANSITIONS,
  type AgreementState,
  type PartyState,
  type Transition,
} from './transitions.js';
import {
  procedureStep,
  trackRefusal,
  type ApprovalStepInput,
  type ProcedureMove,
  type ProcedureStepKind,
} from './procedure.js';

/** A change the workflow made, to be appended to the event log by the caller. */
export type WorkflowEvent =
  | {
      readonly type: 'STAGE_CHANGED';
      readonly action: WorkflowAction;
      readonly fromStage: AgreementStage;
      readonly toStage: AgreementStage;
      /** Performed by the server as a consequence of another change (actor `system`). */
      readonly derived: boolean;
    }
  | {
      readonly type: 'APPROVAL_UPDATED';
      readonly partyCode: string;
      /** The party's status before the step. */
      readonly fromStatus: ApprovalStatus;
      /** What the step recorded for its body (the party's status too when it has one body). */
      readonly approvalStatus: ApprovalStatus;
      /** The party's status after the step, summarising its bodies (procedure.ts). */
      readonly partyApprovalStatus: ApprovalStatus;
      /** The body and kind of a recorded step; null for a reset. */
      readonly body: string | null;
      readonly kind: ProcedureStepKind | null;
      readonly binding: boolean | null;
      /** The party's attempt after the event (docs/design.md §9). */
      readonly attempt: number;
      readonly derived: boolean;
    };

/** The next state of an agreement and the events that lead there, oldest first. */
export interface Outcome {
  readonly agreement: AgreementState;
  readonly events: readonly WorkflowEvent[];
}

const transitionByAction = new Map<WorkflowAction, Transition>(
  TRANSITIONS.map((row) => [row.action, row]),
);

/** The actions whose row starts at the agreement's stage and whose guard holds now. */
export function availableActions(agreement: AgreementState): WorkflowAction[] {
  return TRANSITIONS.filter(
    (row) => row.from.includes(agreement.stage) && !row.guard?.refusal(agreement),
  ).map((row) => row.action);
}

/**
 * Performs `action` on the agreement as of `occurredAt`: the next state and one STAGE_CHANGED
 * event (plus APPROVAL_UPDATED events for approvals it resets), or a DomainError
 * (INVALID_TRANSITION when the table or a guard refuses, BAD_USER_INPUT when `occurredAt` is
 * before the current stage began). Pure: the input is not modified.
 */
export function transition(
  agreement: AgreementState,
  action: WorkflowAction,
  occurredAt: Date,
  derived = false,
): Outcome {
  const row = transitionByAction.get(action);
  if (!row) {
    throw DomainError.badInput({ action: `${String(action)} is not a workflow action` });
  }
  if (!row.from.includes(agreement.stage)) {
    const reason = FINAL_STAGES.has(agreement.stage)
      ? `${agreement.stage} is a final stage`
      : `${action} is possible only from ${row.from.join(' or ')}`;
    throw invalidTransition(agreement, action, reason);
  }
  const refusal = row.guard?.refusal(agreement);
  if (refusal) {
    throw invalidTransition(agreement, action, refusal);
  }
  assertNotBefore(occurredAt, agreement.stageEnteredAt, 'the agreement entered its current stage');

  const events: WorkflowEvent[] = [
    { type: 'STAGE_CHANGED', action, fromStage: agreement.stage, toStage: row.to, derived },
  ];
  let parties = agreement.parties;
  if (row.resetsApprovals) {
    parties = parties.map((party) => {
      if (!party.approvalRequired || party.approvalStatus === ApprovalStatus.PENDING) {
        return party;
      }
      events.push({
        type: 'APPROVAL_UPDATED',
        partyCode: party.code,
        fromStatus: party.approvalStatus,
        approvalStatus: ApprovalStatus.PENDING,
        partyApprovalStatus: ApprovalStatus.PENDING,
        body: null,
        kind: null,
        binding: null,
        attempt: (party.approvalAttempt ?? 1) + 1,
        derived: true,
      });
      return {
        ...party,
        approvalStatus: ApprovalStatus.PENDING,
        approvalBody: 0,
        approvalAttempt: (party.approvalAttempt ?? 1) + 1,
        approvalUpdatedAt: occurredAt,
      };
    });
  }
  return { agreement: { stage: row.to, stageEnteredAt: occurredAt, parties }, events };
}

/** Which of its derived moves an approval step makes (both, under the rule MANUAL). */
export interface ApprovalDerivations {
  /** The last required approval performs RATIFY. */
  readonly ratify: boolean;
  /**
   * A party's rejection performs REJECT. Where it does not, the rejecting party may start its
   * procedure again (a second referendum): its rejection ended one attempt, not the agreement.
   */
  readonly reject: boolean;
}

/**
 * Records one step of a party's domestic procedure as of `occurredAt` (a status alone is a VOTE
 * of the body that holds it now). Each body's track moves forward only and may skip steps;
 * bodies act in order (procedure.ts); steps are possible only in PARLIAMENTARY_REVIEW. The
 * derived moves follow in the same outcome, as `derives` allows: the last required approval
 * performs RATIFY, a rejection performs REJECT.
 */
export function recordApprovalStep(
  agreement: AgreementState,
  partyCode: string,
  step: ApprovalStatus | ApprovalStepInput,
  occurredAt: Date,
  derives: ApprovalDerivations = { ratify: true, reject: true },
): Outcome {
  const input: ApprovalStepInput = typeof step === 'string' ? { status: step } : step;
  const party = agreement.parties.find((candidate) => candidate.code === partyCode);
  if (!party) {
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      `The agreement has no party ${partyCode}; its parties are ${agreement.parties
        .map((p) => p.code)
        .join(', ')}.`,
    );
  }
  const refuse = (reason: string) => invalidApprovalStep(agreement, party, input.status, reason);
  if (agreement.stage !== AgreementStage.PARLIAMENTARY_REVIEW) {
    const rejected =
      party.approvalStatus === ApprovalStatus.REJECTED && derives.reject
        ? `: under the MANUAL rule ${party.code}'s rejection rejected the agreement, and a new attempt needs RENEGOTIATE first`
        : '';
    throw refuse(
      `approval steps are recorded only during PARLIAMENTARY_REVIEW, and the agreement is ${agreement.stage}${rejected}`,
    );
  }
  const move = procedureStep(party, input, !derives.reject);
  if ('fields' in move) {
    throw DomainError.badInput(move.fields);
  }
  if ('reason' in move) {
    throw refuse(move.reason);
  }
  assertNotBefore(
    occurredAt,
    agreement.stageEnteredAt,
    'the agreement entered PARLIAMENTARY_REVIEW',
  );
  if (party.approvalUpdatedAt) {
    assertNotBefore(occurredAt, party.approvalUpdatedAt, `${party.code}'s previous approval step`);
  }

  const attempt = (party.approvalAttempt ?? 1) + (move.newAttempt ? 1 : 0);
  const updated: PartyState = {
    ...party,
    approvalStatus: move.approvalStatus,
    approvalBody: move.approvalBody,
    approvalAttempt: attempt,
    approvalUpdatedAt: occurredAt,
  };
  const next: AgreementState = {
    ...agreement,
    parties: agreement.parties.map((candidate) => (candidate === party ? updated : candidate)),
  };
  const event: WorkflowEvent = {
    type: 'APPROVAL_UPDATED',
    partyCode: party.code,
    fromStatus: party.approvalStatus,
    approvalStatus: input.status,
    partyApprovalStatus: move.approvalStatus,
    body: move.body,
    kind: move.kind,
    binding: move.binding,
    attempt,
    derived: false,
  };
  const derivedAction = derivedMove(next, party, move);
  const allowed =
    derivedAction === WorkflowAction.RATIFY
      ? derives.ratify
      : derivedAction === WorkflowAction.REJECT && derives.reject;
  if (!derivedAction || !allowed) {
    return { agreement: next, events: [event] };
  }
  const derived = transition(next, derivedAction, occurredAt, true);
  return { agreement: derived.agreement, events: [event, ...derived.events] };
}

function derivedMove(
  agreement: AgreementState,
  before: PartyState,
  move: ProcedureMove,
): WorkflowAction | null {
  if (move.approvalStatus === before.approvalStatus) {
    return null;
  }
  if (move.approvalStatus === ApprovalStatus.REJECTED) {
    return WorkflowAction.REJECT;
  }
  const everyoneApproved = agreement.parties.every(
    (party) => !party.approvalRequired || party.approvalStatus === ApprovalStatus.APPROVED,
  );
  return move.approvalStatus === ApprovalStatus.APPROVED && everyoneApproved
    ? WorkflowAction.RATIFY
    : null;
}

/**
 * The statuses a VOTE of the body that holds `party` may record now: forward along its track,
 * or REJECTED where the track allows it; after a rejection, the first steps of a new attempt
 * when `retry` (outside MANUAL); only while the agreement is in PARLIAMENTARY_REVIEW.
 */
export function availableApprovalSteps(
  stage: AgreementStage,
  party: PartyState,
  retry = false,
): ApprovalStatus[] {
  if (stage !== AgreementStage.PARLIAMENTARY_REVIEW) {
    return [];
  }
  return [...APPROVAL_STEPS, ApprovalStatus.REJECTED].filter((status) => {
    const move = procedureStep(party, { status }, retry);
    return !('fields' in move) && !('reason' in move);
  });
}

/** Why one body's track (the party's, when it has one body) may not move to `status`, or null. */
export function approvalStepRefusal(party: PartyState, status: ApprovalStatus): string | null {
  if (!party.approvalRequired) {
    return `${party.code} does not need a legislative vote (approvalRequired is false)`;
  }
  return trackRefusal(party.code, party.approvalStatus, status);
}

/**
 * The state of an agreement registered directly at `stage` (an agreement already under way).
 * Parties that need approval are APPROVED from RATIFIED on, PENDING before.
 */
export function registeredState(
  stage: AgreementStage,
  parties: readonly Pick<PartyState, 'code' | 'approvalRequired'>[],
  stageEnteredAt: Date,
): AgreementState {
  if (stage === AgreementStage.REJECTED) {
    throw DomainError.badInput({
      stage:
        'an agreement cannot be registered as REJECTED, since the workflow needs to know which party rejected it: register it at PARLIAMENTARY_REVIEW and record that party’s REJECTED step',
    });
  }
  const approved = APPROVED_FROM_REGISTRATION.has(stage);
  const state: AgreementState = {
    stage,
    stageEnteredAt,
    parties: parties.map((party) => ({
      code: party.code,
      approvalRequired: party.approvalRequired,
      approvalStatus: !party.approvalRequired
        ? ApprovalStatus.NOT_REQUIRED
        : approved
          ? ApprovalStatus.APPROVED
          : ApprovalStatus.PENDING,
      approvalUpdatedAt: null,
    })),
  };
  if (
    stage === AgreementStage.PARLIAMENTARY_REVIEW &&
    !state.parties.some((p) => p.approvalRequired)
  ) {
    throw DomainError.badInput({
      stage: 'PARLIAMENTARY_REVIEW needs at least one party with approvalRequired',
    });
  }
  return state;
}

const APPROVED_FROM_REGISTRATION: ReadonlySet<AgreementStage> = new Set([
  AgreementStage.RATIFIED,
  AgreementStage.IN_FORCE,
  AgreementStage.EXPIRED,
  AgreementStage.TERMINATED,
]);

function assertNotBefore(occurredAt: Date, earliest: Date, what: string): void {
  if (occurredAt.getTime() < earliest.getTime()) {
    throw DomainError.badInput({
      occurredAt: `${occurredAt.toISOString()} is before ${what} (${earliest.toISOString()})`,
    });
  }
}

function invalidTransition(
  agreement: AgreementState,
  action: WorkflowAction,
  reason: string,
): DomainError {
  return new DomainError(
    ErrorCode.INVALID_TRANSITION,
    `Cannot ${action} an agreement in ${agreement.stage}: ${reason}.`,
    { stage: agreement.stage, action, availableActions: availableActions(agreement), reason },
  );
}

function invalidApprovalStep(
  agreement: AgreementState,
  party: PartyState,
  status: ApprovalStatus,
  reason: string,
): DomainError {
  return new DomainError(
    ErrorCode.INVALID_TRANSITION,
    `Cannot record ${status} for ${party.code}: ${reason}.`,
    {
      stage: agreement.stage,
      availableActions: availableActions(agreement),
      reason,
      partyCode: party.code,
      approvalStatus: party.approvalStatus,
      requestedApprovalStatus: status,
    },
  );
}
