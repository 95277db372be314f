import { encodeCursor } from '../../common/pagination.js';
import type { AgreementStage, ApprovalStatus, WorkflowAction } from '../../workflow/index.js';

export enum AgreementEventType {
  AGREEMENT_CREATED = 'AGREEMENT_CREATED',
  STAGE_CHANGED = 'STAGE_CHANGED',
  APPROVAL_UPDATED = 'APPROVAL_UPDATED',
  DETAILS_UPDATED = 'DETAILS_UPDATED',
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
