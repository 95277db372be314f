import { Column, Entity, PrimaryColumn } from 'typeorm';
import { encodeCursor } from '../../common/pagination.js';
import { DateTimeColumn } from '../../database/columns.js';
import type { AgreementStage, ApprovalStatus, WorkflowAction } from '../../workflow/index.js';

export enum AgreementEventType {
  AGREEMENT_CREATED = 'AGREEMENT_CREATED',
  STAGE_CHANGED = 'STAGE_CHANGED',
  APPROVAL_UPDATED = 'APPROVAL_UPDATED',
  DETAILS_UPDATED = 'DETAILS_UPDATED',
}

/** One row of the append-only log (the database refuses UPDATE and DELETE on it). */
@Entity('agreement_event')
export class AgreementEventEntity {
  /** Global, strictly increasing, gap-free in commit order: see EventLog. */
  @PrimaryColumn('integer')
  sequence: number;

  @Column('varchar', { length: 36 })
  agreementId: string;

  @Column('varchar')
  type: AgreementEventType;

  @Column('varchar', { nullable: true })
  action: WorkflowAction | null;

  @Column('varchar', { nullable: true })
  fromStage: AgreementStage | null;

  @Column('varchar', { nullable: true })
  toStage: AgreementStage | null;

  @Column('varchar', { nullable: true })
  partyCode: string | null;

  @Column('varchar', { nullable: true })
  approvalStatus: ApprovalStatus | null;

  @Column('integer', { nullable: true })
  votesFor: number | null;

  @Column('integer', { nullable: true })
  votesAgainst: number | null;

  @Column('integer', { nullable: true })
  abstentions: number | null;

  @DateTimeColumn()
  occurredAt: Date;

  @DateTimeColumn()
  recordedAt: Date;

  @Column('varchar')
  actor: string;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('varchar', { nullable: true })
  sourceUrl: string | null;

  /** For DETAILS_UPDATED: the names of the fields that changed. */
  @Column('simple-json', { nullable: true })
  changedFields: string[] | null;

  /** Its opaque position in the log, for `after` (derived, never stored). */
  get cursor(): string {
    return encodeCursor(EVENT_CURSOR, this.sequence);
  }
}

export const EVENT_CURSOR = 'event';
