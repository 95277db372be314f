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
import { EntryIntoForceRuleInput } from './entry-into-force-rule.input.js';
import { MAX_PARTIES, PartyInput } from './party.input.js';

export { MAX_PARTIES };

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

  @Field(() => EntryIntoForceRuleInput, {
    nullable: true,
    description:
      'Its own entry-into-force clause; MANUAL (an admin performs ENTER_INTO_FORCE) when omitted.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => EntryIntoForceRuleInput)
  entryIntoForce?: EntryIntoForceRuleInput | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Calendar months from a withdrawal notice to its effect; 12 when omitted (VCLT art 56).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(120)
  withdrawalNoticeMonths?: number | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When it expires once in force (the server performs EXPIRE then).',
  })
  @IsOptional()
  @IsDate()
  @IsWorldDate({ future: true })
  expiresAt?: Date | null;
}
