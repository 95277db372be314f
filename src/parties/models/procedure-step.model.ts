import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/date-time.scalar.js';
import { ApprovalStatus, ProcedureStepKind } from '../../workflow/index.js';

@ObjectType({
  description:
    "One recorded step of a party's domestic procedure (recordApprovalStep), as its APPROVAL_UPDATED event holds it.",
})
export class ProcedureStep {
  @Field(() => Int, { description: 'Its event in the log.' })
  sequence: number;

  @Field({ description: 'The body that acted.' })
  body: string;

  @Field(() => ProcedureStepKind)
  kind: ProcedureStepKind;

  @Field(() => ApprovalStatus, {
    description: "What the body did: its track's status after the step (a referendum's result).",
  })
  status: ApprovalStatus;

  @Field(() => ApprovalStatus, { description: "The party's approvalStatus after the step." })
  partyApprovalStatus: ApprovalStatus;

  @Field(() => Int, { description: '1, then 2 for the steps of a second attempt, and so on.' })
  attempt: number;

  @Field(() => Int, { nullable: true })
  votesFor: number | null;

  @Field(() => Int, { nullable: true })
  votesAgainst: number | null;

  @Field(() => Int, { nullable: true })
  abstentions: number | null;

  @Field(() => Float, { nullable: true })
  yesPercent: number | null;

  @Field(() => Float, { nullable: true })
  turnoutPercent: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'A REFERENDUM: whether it binds (an advisory one moves no track).',
  })
  binding: boolean | null;

  @Field(() => DateTime)
  occurredAt: Date;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => String, { nullable: true })
  sourceUrl: string | null;
}
