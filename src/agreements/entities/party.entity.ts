import type { ApprovalStatus, ConsentMeans, PartyStatus } from '../../workflow/index.js';

/** A row of `party`: one party of an agreement, with its approval track and its path to being bound. */
export class PartyEntity {
  agreementId: string;
  code: string;

  /** The order in which the parties were given. */
  position: number;
  name: string;
  legislature: string | null;
  approvalRequired: boolean;
  approvalStatus: ApprovalStatus;
  approvalUpdatedAt: Date | null;
  /** The bodies of its procedure in order, as given; null: its legislature alone. */
  bodies: readonly string[] | null;
  /** The index in its bodies of the one that holds it now (docs/design.md §9). */
  approvalBody: number;
  /** 1, then 2 once a rejection is followed by a new attempt, and so on. */
  approvalAttempt: number;
  votesFor: number | null;
  votesAgainst: number | null;
  abstentions: number | null;

  /** Its path to being bound (docs/multilateral.md). */
  status: PartyStatus;

  /** Its share for a weighted threshold (e.g. % of emissions). */
  weight: number | null;
  signedAt: Date | null;
  consentMeans: ConsentMeans | null;
  consentedAt: Date | null;
  consentReference: string | null;
  inForceFrom: Date | null;
  withdrawalNoticeAt: Date | null;
  withdrawalEffectiveAt: Date | null;
  provisionalApplicationFrom: Date | null;

  /** Real-world date of its last party action or move: the next one may not be dated earlier. */
  lastActionAt: Date | null;
}
