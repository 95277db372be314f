/** The vocabulary of the workflow. Values are the GraphQL enum values and the stored strings. */

export enum AgreementStage {
  NEGOTIATION = 'NEGOTIATION',
  STALLED = 'STALLED',
  AGREEMENT_IN_PRINCIPLE = 'AGREEMENT_IN_PRINCIPLE',
  SIGNED = 'SIGNED',
  PARLIAMENTARY_REVIEW = 'PARLIAMENTARY_REVIEW',
  RATIFIED = 'RATIFIED',
  IN_FORCE = 'IN_FORCE',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
  TERMINATED = 'TERMINATED',
  WITHDRAWN = 'WITHDRAWN',
}

export enum WorkflowAction {
  STALL = 'STALL',
  RESUME = 'RESUME',
  REACH_AGREEMENT_IN_PRINCIPLE = 'REACH_AGREEMENT_IN_PRINCIPLE',
  REOPEN = 'REOPEN',
  SIGN = 'SIGN',
  SUBMIT_FOR_APPROVAL = 'SUBMIT_FOR_APPROVAL',
  RATIFY = 'RATIFY',
  REJECT = 'REJECT',
  RENEGOTIATE = 'RENEGOTIATE',
  ENTER_INTO_FORCE = 'ENTER_INTO_FORCE',
  EXPIRE = 'EXPIRE',
  TERMINATE = 'TERMINATE',
  WITHDRAW = 'WITHDRAW',
}

export enum ApprovalStatus {
  NOT_REQUIRED = 'NOT_REQUIRED',
  PENDING = 'PENDING',
  SUBMITTED = 'SUBMITTED',
  IN_COMMITTEE = 'IN_COMMITTEE',
  COMMITTEE_APPROVED = 'COMMITTEE_APPROVED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}

export enum AgreementKind {
  TREATY = 'TREATY',
  EXECUTIVE_AGREEMENT = 'EXECUTIVE_AGREEMENT',
  MEMORANDUM_OF_UNDERSTANDING = 'MEMORANDUM_OF_UNDERSTANDING',
  OTHER = 'OTHER',
}

/** Stages in the order a person reads the workflow; also the order of the `workflow` query. */
export const STAGES: readonly AgreementStage[] = Object.values(AgreementStage);

export const FINAL_STAGES: ReadonlySet<AgreementStage> = new Set([
  AgreementStage.EXPIRED,
  AgreementStage.TERMINATED,
  AgreementStage.WITHDRAWN,
]);
