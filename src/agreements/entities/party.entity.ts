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
