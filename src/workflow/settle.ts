import type { PartyUpdate } from './binding.js';
import {
  evaluateEntryIntoForce,
  EntryIntoForceKind,
  partyInForceFrom,
  type EntryIntoForceProgress,
  type EntryIntoForceRule,
} from './entry-into-force.js';
import { partyMove, PartyMove, PartyStatus, type PartyBindingState } from './parties.js';
import { AgreementStage, WorkflowAction } from './stages.js';
import type { ApprovalDerivations, WorkflowEvent } from './workflow.js';

/**
 * The moves a treaty's own clauses make on their dates (docs/design.md §6, docs/multilateral.md):
 * ratification when the condition of entry into force is met, entry into force on its date, each
 * party bound from its own date, a withdrawal taking effect (a two-party agreement then
 * terminates), expiry. `settle` makes every move that is due by `now`, in date order, and lists
 * the ones still ahead. Pure: the caller saves the result, and schedules what is ahead.
 */

/** A move kept in the database until its date (`Agreement.scheduled`). */
export enum ScheduledMoveKind {
  ENTER_INTO_FORCE = 'ENTER_INTO_FORCE',
  PARTY_IN_FORCE = 'PARTY_IN_FORCE',
  WITHDRAWAL_EFFECTIVE = 'WITHDRAWAL_EFFECTIVE',
  EXPIRE = 'EXPIRE',
}

export interface ScheduledMove {
  readonly kind: ScheduledMoveKind;
  /** The party it binds or releases; null for the agreement's own moves. */
  readonly partyCode: string | null;
  readonly at: Date;
}

/** A party as the clauses count it: its path, and its weight for a share. */
export type TreatyParty = PartyBindingState & { readonly weight?: number | null };

/** What the clauses decide on. */
export interface TreatyState {
  readonly stage: AgreementStage;
  readonly stageEnteredAt: Date;
  readonly parties: readonly TreatyParty[];
  readonly rule: EntryIntoForceRule;
  readonly expiresAt: Date | null;
  /** The day the condition was met, once the agreement was ratified by it: it never moves. */
  readonly conditionMetAt: Date | null;
  /** The date it entered into force, once it did. */
  readonly inForceAt: Date | null;
}

/** A move made: the agreement's (a STAGE_CHANGED event) or one party's, with its date. */
export type SettledMove =
  | { readonly at: Date; readonly stage: Extract<WorkflowEvent, { type: 'STAGE_CHANGED' }> }
  | { readonly at: Date; readonly party: PartyUpdate };

export interface Settlement {
  readonly state: TreatyState;
  /** The moves made, oldest first. */
  readonly moves: readonly SettledMove[];
  /** The moves ahead, soonest first. */
  readonly scheduled: readonly ScheduledMove[];
}

/** The kinds whose condition is computed from the consents: RATIFY follows from them. */
export const COMPUTED_CONDITION: ReadonlySet<EntryIntoForceKind> = new Set([
  EntryIntoForceKind.ALL_PARTIES,
  EntryIntoForceKind.THRESHOLD,
]);

/**
 * What a party's approval step makes follow under this rule (docs/multilateral.md): under
 * ALL_PARTIES and THRESHOLD the consents ratify, not the approvals; under any rule but MANUAL one
 * party's domestic no does not reject the agreement, and that party may try again.
 */
export function approvalDerivations(kind: EntryIntoForceKind): ApprovalDerivations {
  return { ratify: !COMPUTED_CONDITION.has(kind), reject: kind === EntryIntoForceKind.MANUAL };
}

/**
 * Why an admin may not perform `action` by hand under this rule, or null: under ALL_PARTIES and
 * THRESHOLD the consents ratify the agreement, and under every rule but MANUAL the server enters
 * it into force on the date its clause gives.
 */
export function ruleRefusal(kind: EntryIntoForceKind, action: WorkflowAction): string | null {
  if (action === WorkflowAction.RATIFY && COMPUTED_CONDITION.has(kind)) {
    return `under ${kind} the agreement is ratified when its parties' consents meet its condition; record them with recordPartyAction`;
  }
  if (action === WorkflowAction.ENTER_INTO_FORCE && kind !== EntryIntoForceKind.MANUAL) {
    return `under ${kind} the server enters it into force on the date its clause gives (see entryIntoForce and scheduled)`;
  }
  return null;
}

/** Stages in which the entry-into-force rule has done its work and can no longer change. */
const RULE_FIXED: ReadonlySet<AgreementStage> = new Set([
  AgreementStage.IN_FORCE,
  AgreementStage.EXPIRED,
  AgreementStage.TERMINATED,
  AgreementStage.WITHDRAWN,
]);

/** Why the agreement's entry-into-force rule can no longer change in this stage, or null. */
export function ruleChangeRefusal(stage: AgreementStage): string | null {
  return RULE_FIXED.has(stage)
    ? `the agreement is ${stage}: its entry-into-force rule can no longer change`
    : null;
}

/** Statuses whose consent counts towards the condition. */
const COUNTING: ReadonlySet<PartyStatus> = new Set([
  PartyStatus.CONSENTED,
  PartyStatus.PARTY,
  PartyStatus.WITHDRAWING,
]);

/**
 * Where the rule stands: the consents that count now (a withdrawn state's does not), and the day
 * the condition was met and the date of entry into force, as recorded once they happened.
 */
export function progressOf(state: TreatyState): EntryIntoForceProgress {
  const progress = evaluateEntryIntoForce(
    state.rule,
    state.parties.map((party) => ({
      code: party.code,
      weight: party.weight,
      consentedAt: COUNTING.has(party.status) ? party.consentedAt : null,
    })),
  );
  const conditionMetAt = state.conditionMetAt ?? progress.conditionMetAt;
  const date =
    state.inForceAt ??
    (state.conditionMetAt && COMPUTED_CONDITION.has(state.rule.kind)
      ? evaluateAt(state.rule, state.conditionMetAt)
      : progress.date);
  return { ...progress, conditionMetAt, date };
}

/** The date of entry into force for a condition met on `day`. */
function evaluateAt(rule: EntryIntoForceRule, day: Date): Date | null {
  // The same arithmetic as the evaluation: one consent on that day meets a one-instrument rule.
  return evaluateEntryIntoForce({ ...rule, instruments: 1, share: null, requiredParties: [] }, [
    { code: '', consentedAt: day },
  ]).date;
}

/** The order of moves that fall on one instant. */
const ORDER = [
  WorkflowAction.RATIFY,
  WorkflowAction.ENTER_INTO_FORCE,
  PartyMove.PARTY_IN_FORCE,
  PartyMove.WITHDRAWAL_EFFECTIVE,
  WorkflowAction.TERMINATE,
  WorkflowAction.EXPIRE,
] as const;
type Move = (typeof ORDER)[number];

interface Candidate {
  readonly move: Move;
  readonly at: Date;
  readonly party?: TreatyParty;
}

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

/** Every move the clauses call for in this state, with its date, in the order they happen. */
function candidates(state: TreatyState): Candidate[] {
  const found: Candidate[] = [];
  const { stage, stageEnteredAt, rule } = state;
  const progress = progressOf(state);
  const reviewing =
    stage === AgreementStage.SIGNED || stage === AgreementStage.PARLIAMENTARY_REVIEW;
  if (reviewing && COMPUTED_CONDITION.has(rule.kind) && progress.conditionMetAt) {
    found.push({ move: WorkflowAction.RATIFY, at: later(progress.conditionMetAt, stageEnteredAt) });
  }
  if (
    stage === AgreementStage.RATIFIED &&
    rule.kind !== EntryIntoForceKind.MANUAL &&
    progress.date
  ) {
    found.push({ move: WorkflowAction.ENTER_INTO_FORCE, at: later(progress.date, stageEnteredAt) });
  }
  if (stage === AgreementStage.IN_FORCE) {
    const inForce = {
      conditionMetAt: state.conditionMetAt,
      date: state.inForceAt ?? stageEnteredAt,
    };
    for (const party of state.parties) {
      if (party.status === PartyStatus.CONSENTED) {
        const at = partyInForceFrom(rule, party.consentedAt, inForce);
        if (at) {
          found.push({ move: PartyMove.PARTY_IN_FORCE, at, party });
        }
      } else if (party.status === PartyStatus.WITHDRAWING && party.withdrawalEffectiveAt) {
        // Never before the agreement entered its stage: moves are made in date order.
        found.push({
          move: PartyMove.WITHDRAWAL_EFFECTIVE,
          at: later(party.withdrawalEffectiveAt, stageEnteredAt),
          party,
        });
      }
    }
    // VCLT art 55 keeps a multilateral treaty in force whoever leaves; one between two parties
    // ends with the withdrawal of either.
    const withdrawn = state.parties.find((party) => party.status === PartyStatus.WITHDRAWN);
    if (state.parties.length === 2 && withdrawn?.withdrawalEffectiveAt) {
      found.push({
        move: WorkflowAction.TERMINATE,
        at: later(withdrawn.withdrawalEffectiveAt, stageEnteredAt),
      });
    }
    if (state.expiresAt) {
      found.push({ move: WorkflowAction.EXPIRE, at: later(state.expiresAt, stageEnteredAt) });
    }
  }
  return found.sort(
    (a, b) => a.at.getTime() - b.at.getTime() || ORDER.indexOf(a.move) - ORDER.indexOf(b.move),
  );
}

/** Applies one due move to the state. */
function apply(
  state: TreatyState,
  candidate: Candidate,
): { state: TreatyState; move: SettledMove } {
  const { at, party } = candidate;
  if (
    candidate.move === PartyMove.PARTY_IN_FORCE ||
    candidate.move === PartyMove.WITHDRAWAL_EFFECTIVE
  ) {
    const moved = partyMove(party!, candidate.move, at);
    return {
      state: {
        ...state,
        parties: state.parties.map((each) =>
          each.code === moved.code ? { ...each, ...moved } : each,
        ),
      },
      move: {
        at,
        party: {
          party: moved,
          action: candidate.move,
          means: null,
          reference: null,
          derived: true,
        },
      },
    };
  }
  const to = {
    [WorkflowAction.RATIFY]: AgreementStage.RATIFIED,
    [WorkflowAction.ENTER_INTO_FORCE]: AgreementStage.IN_FORCE,
    [WorkflowAction.TERMINATE]: AgreementStage.TERMINATED,
    [WorkflowAction.EXPIRE]: AgreementStage.EXPIRED,
  }[candidate.move];
  const next: TreatyState = {
    ...state,
    stage: to,
    stageEnteredAt: at,
    conditionMetAt:
      candidate.move === WorkflowAction.RATIFY
        ? progressOf(state).conditionMetAt
        : state.conditionMetAt,
    inForceAt: candidate.move === WorkflowAction.ENTER_INTO_FORCE ? at : state.inForceAt,
  };
  return {
    state: next,
    move: {
      at,
      stage: {
        type: 'STAGE_CHANGED',
        action: candidate.move,
        fromStage: state.stage,
        toStage: to,
        derived: true,
      },
    },
  };
}

const SCHEDULED: Partial<Record<Move, ScheduledMoveKind>> = {
  [WorkflowAction.ENTER_INTO_FORCE]: ScheduledMoveKind.ENTER_INTO_FORCE,
  [PartyMove.PARTY_IN_FORCE]: ScheduledMoveKind.PARTY_IN_FORCE,
  [PartyMove.WITHDRAWAL_EFFECTIVE]: ScheduledMoveKind.WITHDRAWAL_EFFECTIVE,
  [WorkflowAction.EXPIRE]: ScheduledMoveKind.EXPIRE,
};

/**
 * Makes every move due by `now`, one at a time in date order (each may make the next one due:
 * ratification, then entry into force, then the parties bound), and lists the moves ahead. A
 * RATIFY is due as soon as its condition is met (its date is the day of the consent that met it).
 * The loop ends: each move advances the stage or one party's status along paths without cycles.
 */
export function settle(initial: TreatyState, now: Date): Settlement {
  let state = initial;
  const moves: SettledMove[] = [];
  const bound = 4 * state.parties.length + ORDER.length;
  for (let i = 0; i <= bound; i += 1) {
    const due = candidates(state).find(
      (candidate) =>
        candidate.move === WorkflowAction.RATIFY || candidate.at.getTime() <= now.getTime(),
    );
    if (!due) {
      const scheduled = candidates(state).flatMap((candidate) => {
        const kind = SCHEDULED[candidate.move];
        return kind ? [{ kind, partyCode: candidate.party?.code ?? null, at: candidate.at }] : [];
      });
      return { state, moves, scheduled };
    }
    const applied = apply(state, due);
    state = applied.state;
    moves.push(applied.move);
  }
  throw new Error(`The clauses of an agreement did not settle after ${bound} moves`);
}
