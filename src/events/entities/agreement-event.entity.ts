import { encodeCursor } from '../../common/pagination.js';
import type {
  AgreementStage,
  ApprovalStatus,
  ConsentMeans,
  PartyAction,
  PartyMove,
  PartyStatus,
  ProcedureStepKind,
  WorkflowAction,
} from '../../workflow/index.js';

export enum AgreementEventType {
  AGREEMENT_CREATED = 'AGREEMENT_CREATED',
  STAGE_CHANGED = 'STAGE_CHANGED',
  APPROVAL_UPDATED = 'APPROVAL_UPDATED',
  DETAILS_UPDATED = 'DETAILS_UPDATED',
  /** A party action (`recordPartyAction`) or a move the server made for one party. */
  PARTY_UPDATED = 'PARTY_UPDATED',
  /** A state joined the agreement (`addParty`). */
  PARTY_ADDED = 'PARTY_ADDED',
}

/** One row of the append-only log (the database refuses UPDATE and DELETE on it). */
export class AgreementEventEntity {
  /** Global, strictly increasing, gap-free in commit order: see EventLog. */
  sequence: number;
  agreementId: string;
  type: AgreementEventType;
  action: WorkflowAction | null;
  fromStage: AgreementStage | null;
  toStage: AgreementStage | null;
  partyCode: string | null;
  approvalStatus: ApprovalStatus | null;
  votesFor: number | null;
  votesAgainst: number | null;
  abstentions: number | null;

  /**
   * APPROVAL_UPDATED (docs/design.md §9): the body and kind of the step (null for a reset and
   * before procedures were recorded), a referendum's figures, and the party's status after it.
   */
  body: string | null;
  stepKind: ProcedureStepKind | null;
  yesPercent: number | null;
  turnoutPercent: number | null;
  binding: boolean | null;
  partyApprovalStatus: ApprovalStatus | null;
  /** The party's attempt the step belongs to: 2 after a rejection started it again. */
  attempt: number | null;

  /** PARTY_UPDATED: the action or move, and the party's status after it; PARTY_ADDED: its status. */
  partyAction: PartyAction | PartyMove | null;
  partyStatus: PartyStatus | null;
  consentMeans: ConsentMeans | null;

  /** E.g. the depositary notification number the action cites. */
  reference: string | null;
  occurredAt: Date;
  recordedAt: Date;
  actor: string;
  note: string | null;
  sourceUrl: string | null;

  /** For DETAILS_UPDATED: the names of the fields that changed. */
  changedFields: string[] | null;

  /** Its opaque position in the log, for `after` (derived, never stored). */
  get cursor(): string {
    return encodeCursor(EVENT_CURSOR, this.sequence);
  }
}

export const EVENT_CURSOR = 'event';
