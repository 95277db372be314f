import type { EntryIntoForceKind } from './entry-into-force.js';
import {
  PartyAction,
  PartyMove,
  partyMove,
  PartyStatus,
  type ConsentMeans,
  type PartyBindingState,
} from './parties.js';
import { COMPUTED_CONDITION } from './settle.js';
import { AgreementStage, WorkflowAction } from './stages.js';

/**
 * Where the agreement's own stage moves leave its parties' paths to being bound (docs/design.md §6,
 * docs/multilateral.md). Pure, like the tables it joins.
 */

/** The binding fields a party's path starts with (or is reset to). */
export type PartyBinding = Omit<
  PartyBindingState,
  'code' | 'approvalRequired' | 'approvalStatus' | 'approvalUpdatedAt'
>;

const UNBOUND: PartyBinding = {
  status: PartyStatus.NEGOTIATING,
  signedAt: null,
  consentedAt: null,
  consentMeans: null,
  consentReference: null,
  inForceFrom: null,
  withdrawalNoticeAt: null,
  withdrawalEffectiveAt: null,
  provisionalApplicationFrom: null,
  lastActionAt: null,
};

/**
 * The path of a party of an agreement registered directly at `stage`: PARTY from IN_FORCE on (from
 * `stageEnteredAt` at IN_FORCE; since an unknown date once EXPIRED or TERMINATED, since it was in
 * force for them), CONSENTED at RATIFIED (on `stageEnteredAt`, by means unknown), NEGOTIATING
 * before (party actions then say more).
 */
export function registeredBinding(stage: AgreementStage, stageEnteredAt: Date): PartyBinding {
  switch (stage) {
    case AgreementStage.RATIFIED:
      return {
        ...UNBOUND,
        status: PartyStatus.CONSENTED,
        consentedAt: stageEnteredAt,
        lastActionAt: stageEnteredAt,
      };
    case AgreementStage.IN_FORCE:
      return {
        ...UNBOUND,
        status: PartyStatus.PARTY,
        inForceFrom: stageEnteredAt,
        lastActionAt: stageEnteredAt,
      };
    case AgreementStage.EXPIRED:
    case AgreementStage.TERMINATED:
      return { ...UNBOUND, status: PartyStatus.PARTY, lastActionAt: stageEnteredAt };
    default:
      return UNBOUND;
  }
}

/** One party's change, to be saved and recorded as a PARTY_UPDATED event. */
export interface PartyUpdate {
  readonly party: PartyBindingState;
  readonly action: PartyAction | PartyMove;
  readonly means: ConsentMeans | null;
  readonly reference: string | null;
  /** Made by the server as a consequence of another change (actor `system`). */
  readonly derived: boolean;
}

/** Statuses from which the agreement's own RATIFY, under MANUAL, records a party's consent. */
const CONSENTED_BY_RATIFY: ReadonlySet<PartyStatus> = new Set([
  PartyStatus.NEGOTIATING,
  PartyStatus.SIGNATORY,
]);

/**
 * The parties' moves that follow a stage move `action` made as of `at`:
 * - ENTER_INTO_FORCE: every CONSENTED party becomes PARTY from `at` (PARTY_IN_FORCE).
 * - RATIFY under MANUAL or FIXED_DATE: the agreement's ratification is the only record of its
 *   parties' consents (a bilateral agreement walked stage by stage, as the demo is), so every
 *   party still NEGOTIATING or SIGNATORY is CONSENTED as of `at`, by means unknown, as if
 *   registered at RATIFIED. A party that declared it will not be bound, or withdrew, stays so.
 *   Under ALL_PARTIES and THRESHOLD, RATIFY follows from the consents themselves and records none.
 * Each move is derived; parties not moved are not listed.
 */
export function partyMovesOfStage(
  action: WorkflowAction,
  kind: EntryIntoForceKind,
  parties: readonly PartyBindingState[],
  at: Date,
): PartyUpdate[] {
  const derived = (party: PartyBindingState, move: PartyAction | PartyMove): PartyUpdate => ({
    party,
    action: move,
    means: null,
    reference: null,
    derived: true,
  });
  if (action === WorkflowAction.ENTER_INTO_FORCE) {
    return parties
      .filter((party) => party.status === PartyStatus.CONSENTED)
      .map((party) =>
        derived(partyMove(party, PartyMove.PARTY_IN_FORCE, at), PartyMove.PARTY_IN_FORCE),
      );
  }
  if (action === WorkflowAction.RATIFY && !COMPUTED_CONDITION.has(kind)) {
    return parties
      .filter((party) => CONSENTED_BY_RATIFY.has(party.status))
      .map((party) =>
        derived(
          {
            ...party,
            status: PartyStatus.CONSENTED,
            consentedAt: at,
            consentMeans: null,
            consentReference: null,
            lastActionAt: later(party.lastActionAt, at),
          },
          PartyAction.CONSENT,
        ),
      );
  }
  return [];
}

function later(a: Date | null, b: Date): Date {
  return a && a.getTime() > b.getTime() ? a : b;
}
