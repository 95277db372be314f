import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IsPartyCode, UpperCase } from '../../common/validation.js';
import { ApprovalStatus } from '../../workflow/index.js';
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

  @Field(() => ApprovalStatus)
  @IsEnum(ApprovalStatus)
  status: ApprovalStatus;

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
