import { Field, Float, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDate,
  IsEnum,
  IsInt,
  IsNumber,
  IsOptional,
} from 'class-validator';
import { DateTime } from '../../common/date-time.scalar.js';
import { IsPartyCode, IsWorldDate, UpperCase } from '../../common/validation.js';
import { EntryIntoForceKind } from '../../workflow/index.js';
import '../models/entry-into-force.model.js';
import { MAX_PARTIES } from './party.input.js';

/**
 * The agreement's own entry-into-force clause. The fields each kind takes, and their ranges, are
 * checked against the agreement's parties by `validateEntryIntoForceRule` (workflow/), which names
 * every bad field; here only their types.
 */
@InputType()
export class EntryIntoForceRuleInput {
  @Field(() => EntryIntoForceKind)
  @IsEnum(EntryIntoForceKind)
  kind: EntryIntoForceKind;

  @Field(() => Int, { nullable: true, description: 'THRESHOLD: how many consents it takes.' })
  @IsOptional()
  @IsInt()
  instruments?: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "THRESHOLD: the consenting parties' weights must add up to at least this percentage.",
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  share?: number | null;

  @Field(() => [String], {
    nullable: true,
    description: 'THRESHOLD: parties that must be among the consents.',
  })
  @IsOptional()
  @ArrayMaxSize(MAX_PARTIES)
  @UpperCase({ each: true })
  @IsPartyCode({ each: true })
  requiredParties?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Calendar days from the day the condition is met to entry into force (0).',
  })
  @IsOptional()
  @IsInt()
  daysAfter?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Then the first day of the following month.',
  })
  @IsOptional()
  @IsBoolean()
  monthStart?: boolean | null;

  @Field(() => DateTime, { nullable: true, description: 'FIXED_DATE: the date, to the second.' })
  @IsOptional()
  @IsDate()
  @IsWorldDate({ future: true })
  date?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'For a party consenting after the condition is met (default daysAfter).',
  })
  @IsOptional()
  @IsInt()
  laterDaysAfter?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'For a party consenting after the condition is met (default monthStart).',
  })
  @IsOptional()
  @IsBoolean()
  laterMonthStart?: boolean | null;
}
