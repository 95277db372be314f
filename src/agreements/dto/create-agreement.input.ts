import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsDate,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DateTime } from '../../common/date-time.scalar.js';
import { IsPlainText, IsWorldDate, Trim } from '../../common/validation.js';
import { AgreementKind, AgreementStage } from '../../workflow/index.js';
import { SourcedInput } from './change-record.input.js';
import { PartyInput } from './party.input.js';

export const MAX_PARTIES = 250;

@InputType()
export class CreateAgreementInput extends SourcedInput {
  @Field()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  @IsPlainText()
  title: string;

  @Field(() => String, { nullable: true })
  @Trim()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @IsPlainText()
  shortTitle?: string | null;

  @Field(() => AgreementKind)
  @IsEnum(AgreementKind)
  kind: AgreementKind;

  @Field(() => String, { nullable: true })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  @IsPlainText({ multiline: true })
  summary?: string | null;

  @Field(() => Int, { nullable: true, description: 'How many years it runs, if fixed.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(999)
  termYears?: number | null;

  @Field(() => ID, { nullable: true, description: 'The agreement this one replaces.' })
  @IsOptional()
  @IsUUID()
  predecessorId?: string | null;

  @Field(() => [PartyInput], { description: 'At least two, with distinct codes.' })
  @ArrayMinSize(2, { message: 'an agreement needs at least two parties' })
  @ArrayMaxSize(MAX_PARTIES)
  @ArrayUnique((party: PartyInput) => party?.code, {
    message: 'each party code may appear only once',
  })
  @ValidateNested({ each: true })
  @Type(() => PartyInput)
  parties: PartyInput[];

  @Field(() => AgreementStage, {
    nullable: true,
    description:
      'Register an agreement already under way at this stage (ADMIN only); defaults to NEGOTIATION.',
  })
  @IsOptional()
  @IsEnum(AgreementStage)
  stage?: AgreementStage | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When it entered that stage in the world; defaults to now.',
  })
  @IsOptional()
  @IsDate()
  @IsWorldDate()
  stageEnteredAt?: Date | null;
}
