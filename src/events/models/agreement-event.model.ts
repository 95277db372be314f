import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTime } from '../../common/date-time.scalar.js';
import { ConnectionType } from '../../common/pagination.js';
import { PartyActionOrMove } from '../../parties/models/party-enums.js';
import {
  AgreementStage,
  ApprovalStatus,
  ConsentMeans,
  PartyStatus,
  ProcedureStepKind,
  WorkflowAction,
} from '../../workflow/index.js';
import { AgreementEventType } from '../entities/agreement-event.entity.js';

registerEnumType(AgreementEventType, { name: 'AgreementEventType' });

@ObjectType('AgreementEvent', {
  description: 'One entry of the append-only log: every change to an agreement is one event.',
})
export class AgreementEventModel {
  @Field({ description: 'Opaque position in the log, for `after`.' })
  cursor: string;

  @Field(() => Int, {
    description: 'Global position in the log: strictly increasing, in commit order, no holes.',
  })
  sequence: number;

  @Field(() => ID)
  agreementId: string;

  @Field(() => AgreementEventType)
  type: AgreementEventType;

  @Field(() => WorkflowAction, { nullable: true })
  action: WorkflowAction | null;

  @Field(() => AgreementStage, { nullable: true })
  fromStage: AgreementStage | null;

  @Field(() => AgreementStage, { nullable: true })
  toStage: AgreementStage | null;

  @Field(() => String, { nullable: true })
  partyCode: string | null;

  @Field(() => ApprovalStatus, { nullable: true })
  approvalStatus: ApprovalStatus | null;

  @Field(() => Int, { nullable: true })
  votesFor: number | null;

  @Field(() => Int, { nullable: true })
  votesAgainst: number | null;

  @Field(() => Int, { nullable: true })
  abstentions: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'APPROVAL_UPDATED: the body whose step it is (null for a reset, and for steps recorded before bodies were).',
  })
  body: string | null;

  @Field(() => ProcedureStepKind, { nullable: true, description: 'APPROVAL_UPDATED: its kind.' })
  stepKind: ProcedureStepKind | null;

  @Field(() => Float, { nullable: true, description: "A REFERENDUM's yes share, in percent." })
  yesPercent: number | null;

  @Field(() => Float, { nullable: true, description: "A REFERENDUM's turnout, in percent." })
  turnoutPercent: number | null;

  @Field(() => Boolean, { nullable: true, description: 'A REFERENDUM: whether it binds.' })
  binding: boolean | null;

  @Field(() => ApprovalStatus, {
    nullable: true,
    description:
      "APPROVAL_UPDATED: the party's approvalStatus after it, summarising its bodies (`approvalStatus` is what the step recorded for its body).",
  })
  partyApprovalStatus: ApprovalStatus | null;

  @Field(() => Int, {
    nullable: true,
    description: "APPROVAL_UPDATED: the party's attempt after it (2 once it started again).",
  })
  attempt: number | null;

  @Field(() => PartyActionOrMove, {
    nullable: true,
    description: 'PARTY_UPDATED: the party action, or the move the server made.',
  })
  partyAction: PartyActionOrMove | null;

  @Field(() => PartyStatus, {
    nullable: true,
    description: 'PARTY_UPDATED and PARTY_ADDED: the party’s status after it.',
  })
  partyStatus: PartyStatus | null;

  @Field(() => ConsentMeans, { nullable: true, description: 'CONSENT: how it was expressed.' })
  consentMeans: ConsentMeans | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the action cites, e.g. a depositary notification number.',
  })
  reference: string | null;

  @Field(() => DateTime, {
    description: 'When it happened in the world (may be earlier than recordedAt).',
  })
  occurredAt: Date;

  @Field(() => DateTime, { description: 'When Ratify recorded it.' })
  recordedAt: Date;

  @Field({ description: 'Who recorded it: the token name, or `system` for derived moves.' })
  actor: string;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => String, { nullable: true })
  sourceUrl: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'For DETAILS_UPDATED: the fields that changed.',
  })
  changedFields: string[] | null;
}

export const AgreementEventConnection = ConnectionType(AgreementEventModel, 'AgreementEvent');
