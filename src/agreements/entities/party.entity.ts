import type { ApprovalStatus } from '../../workflow/index.js';

/** A row of `party`: one party of an agreement, with its approval track. */
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
}
