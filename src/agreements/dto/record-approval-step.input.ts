import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import {
  IsBoolean,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  IsPartyCode,
  IsPlainText,
  IsPercentage,
  Trim,
  UpperCase,
} from '../../common/validation.js';
import { ApprovalStatus, ProcedureStepKind } from '../../workflow/index.js';
import { IdempotentChangeInput } from './change-record.input.js';

/** Larger than any legislature; keeps counts far from integer limits. */
const MAX_VOTES = 100_000;

@InputType()
export class RecordApprovalStepInput extends IdempotentChangeInput {
  @Field(() => ID)
  @IsUUID()
  agreementId: string;

  @Field()
  @UpperCase()
  @IsPartyCode()
  partyCode: string;

  @Field(() => ApprovalStatus, {
    description:
      'What the body did: the status of its track after the step (for a REFERENDUM, its result).',
  })
  @IsEnum(ApprovalStatus)
  status: ApprovalStatus;

  @Field(() => String, {
    nullable: true,
    description:
      "One of the party's bodies; by default the one that holds it now (Party.currentBody).",
  })
  @Trim()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @IsPlainText()
  body?: string | null;

  @Field(() => ProcedureStepKind, { nullable: true, description: 'By default a VOTE.' })
  @IsOptional()
  @IsEnum(ProcedureStepKind)
  kind?: ProcedureStepKind | null;

  @Field(() => Float, {
    nullable: true,
    description: "A REFERENDUM's result: the share of valid votes cast for yes, in percent.",
  })
  @IsOptional()
  @IsPercentage(2)
  yesPercent?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "A REFERENDUM's turnout, in percent of the electorate.",
  })
  @IsOptional()
  @IsPercentage(2)
  turnoutPercent?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'A REFERENDUM only: does its result decide (default true)? An advisory one is recorded and moves no track.',
  })
  @IsOptional()
  @IsBoolean()
  binding?: boolean | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_VOTES)
  votesFor?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_VOTES)
  votesAgainst?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_VOTES)
  abstentions?: number | null;
}
