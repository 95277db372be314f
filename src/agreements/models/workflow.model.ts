import { Extensions, Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MAX_ITEMS } from '../../common/query-limits.js';
import {
  AgreementKind,
  AgreementStage,
  ApprovalStatus,
  PARTY_TRANSITIONS,
  PartyStatus,
  ProcedureStepKind,
  STEP_KINDS,
  TRANSITIONS,
  WorkflowAction,
} from '../../workflow/index.js';
import { PartyActionOrMove } from '../../parties/models/party-enums.js';

registerEnumType(AgreementStage, {
  name: 'AgreementStage',
  description: 'Where an agreement is in its ratification workflow.',
});
registerEnumType(WorkflowAction, {
  name: 'WorkflowAction',
  description: 'A move of the workflow: see the `workflow` query for where each one leads.',
});
registerEnumType(ApprovalStatus, {
  name: 'ApprovalStatus',
  description:
    "A party's domestic approval: NOT_REQUIRED, or PENDING < SUBMITTED < IN_COMMITTEE < COMMITTEE_APPROVED < APPROVED, or REJECTED.",
});
registerEnumType(AgreementKind, { name: 'AgreementKind' });
registerEnumType(ProcedureStepKind, {
  name: 'ProcedureStepKind',
  description:
    'What a step of a domestic procedure is: see `workflow { approvalTrack { stepKinds } }`.',
});

@ObjectType({ description: 'One row of the stage table the server enforces.' })
export class WorkflowTransition {
  @Field(() => WorkflowAction)
  action: WorkflowAction;

  @Field(() => [AgreementStage])
  from: AgreementStage[];

  @Field(() => AgreementStage)
  to: AgreementStage;

  @Field(() => String, { nullable: true, description: 'What must hold for the move, in words.' })
  guard: string | null;
}

@ObjectType({ description: 'A kind of step, and what it may record.' })
export class StepKindRule {
  @Field(() => ProcedureStepKind)
  kind: ProcedureStepKind;

  @Field(() => [ApprovalStatus], { description: 'The statuses a step of this kind may record.' })
  statuses: ApprovalStatus[];

  @Field({ description: 'Does it carry votesFor, votesAgainst and abstentions?' })
  tallies: boolean;

  @Field({
    description: 'Does its result carry yesPercent and turnoutPercent, and may it be non-binding?',
  })
  figures: boolean;
}

@ObjectType({
  description:
    "The steps of each body's approval track: a party's bodies act in order, and its approvalStatus summarises them.",
})
export class ApprovalTrack {
  @Field(() => [ApprovalStatus], {
    description: 'The ordered steps; a step may skip forward, never go back.',
  })
  steps: ApprovalStatus[];

  @Field(() => [ApprovalStatus], { description: 'The steps from which REJECTED is reachable.' })
  rejectableFrom: ApprovalStatus[];

  @Field(() => [ApprovalStatus], { description: 'Statuses that end the track.' })
  final: ApprovalStatus[];

  @Field(() => [StepKindRule], {
    description:
      "The kinds of step a body's track records (recordApprovalStep `kind`), and what each carries.",
  })
  @Extensions({ [MAX_ITEMS]: STEP_KINDS.length })
  stepKinds: StepKindRule[];
}

@ObjectType({
  description: 'One row of the party table: a party action, or a move the server makes.',
})
export class PartyTransition {
  @Field(() => PartyActionOrMove)
  action: PartyActionOrMove;

  @Field(() => [PartyStatus])
  from: PartyStatus[];

  @Field(() => PartyStatus, { description: 'The same as `from` for a row that changes no status.' })
  to: PartyStatus;

  @Field(() => String, { nullable: true, description: 'What must hold for the action, in words.' })
  guard: string | null;

  @Field({ description: 'Made by the server when the treaty says so, never requested.' })
  derived: boolean;

  @Field(() => String, { nullable: true, description: 'For a derived move: when it is made.' })
  when: string | null;
}

@ObjectType({ description: 'The ratification workflow, read from the table the server enforces.' })
export class Workflow {
  @Field(() => [AgreementStage])
  stages: AgreementStage[];

  @Field(() => [WorkflowTransition])
  @Extensions({ [MAX_ITEMS]: TRANSITIONS.length })
  transitions: WorkflowTransition[];

  @Field(() => ApprovalTrack)
  approvalTrack: ApprovalTrack;

  @Field(() => [PartyStatus], { description: "The statuses of a party's path to being bound." })
  partyStatuses: PartyStatus[];

  @Field(() => [PartyTransition], {
    description: "The party table: each party's path to being bound, as the server enforces it.",
  })
  @Extensions({ [MAX_ITEMS]: PARTY_TRANSITIONS.length })
  partyTransitions: PartyTransition[];
}
