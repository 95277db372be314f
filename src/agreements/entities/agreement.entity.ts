import {
  availableActions,
  ruleRefusal,
  type AgreementKind,
  type AgreementStage,
  type EntryIntoForceRule,
  type WorkflowAction,
} from '../../workflow/index.js';
import type { Connection, PageRequest } from '../../common/pagination.js';
import type { AgreementEventEntity } from '../../events/entities/agreement-event.entity.js';
import type { PartyEntity } from './party.entity.js';

/** A row of `agreement` (see the migrations), with its parties; read and written in plain SQL. */
export class AgreementEntity {
  id: string;
  title: string;
  shortTitle: string | null;
  kind: AgreementKind;
  summary: string | null;
  termYears: number | null;
  predecessorId: string | null;
  stage: AgreementStage;
  stageEnteredAt: Date;
  version: number;

  /** The sequence of its AGREEMENT_CREATED event: the order of the `agreements` list. */
  createdSequence: number;

  /** Lower-cased title and short title, for a case-insensitive search on every database. */
  searchText: string;
  createdAt: Date;
  updatedAt: Date;

  /** Real-world date of its signature (the SIGN action, or registration at SIGNED); null if unknown. */
  signedAt: Date | null;

  /** Its own entry-into-force clause (docs/multilateral.md); MANUAL by default. */
  entryIntoForceRule: EntryIntoForceRule;

  /** Months from a withdrawal notice to its effect (VCLT art 56(2): 12). */
  withdrawalNoticeMonths: number;

  /** When an agreement in force expires, if it does. */
  expiresAt: Date | null;

  /** The day its condition of entry into force was met (it ratified by it); it never moves. */
  conditionMetAt: Date | null;

  /** The date it entered into force, once it did. */
  inForceAt: Date | null;

  /** The date of its next scheduled move; null when none is scheduled. */
  nextMoveAt: Date | null;

  /** Not a column: the service loads the parties with the agreement, in their given order. */
  parties: PartyEntity[];

  /**
   * Not a column: a page of its timeline read with it (AgreementsService.findWithTimeline), for
   * the `timeline` field of the same query.
   */
  timelineRead?: {
    readonly page: PageRequest;
    readonly connection: Connection<AgreementEventEntity>;
  };

  /** The workflow actions whose guard passes now (derived, never stored). */
  get availableActions(): WorkflowAction[] {
    return availableActions(this).filter(
      (action) => !ruleRefusal(this.entryIntoForceRule.kind, action),
    );
  }
}
