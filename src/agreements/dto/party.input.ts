import { Field, Float, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import {
  IsPartyCode,
  IsPlainText,
  IsPercentage,
  Trim,
  UpperCase,
} from '../../common/validation.js';
import { MAX_BODIES } from '../../workflow/index.js';

/** The most parties an agreement may have: more than the 251 party codes would never be needed. */
export const MAX_PARTIES = 250;

@InputType()
export class PartyInput {
  @Field({ description: 'ISO 3166-1 alpha-2 code (US, KR, ...), unique within the agreement.' })
  @UpperCase()
  @IsPartyCode()
  code: string;

  @Field()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @IsPlainText()
  name: string;

  @Field(() => String, { nullable: true, description: 'e.g. "National Assembly".' })
  @Trim()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @IsPlainText()
  legislature?: string | null;

  @Field({ description: 'Does its domestic procedure need a legislative vote?' })
  @IsBoolean()
  approvalRequired: boolean;

  @Field(() => [String], {
    nullable: true,
    description:
      'The bodies that approve it, in the order they act (e.g. ["State Duma", "Federation Council"]); by default its legislature alone. Only with approvalRequired.',
  })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? value.map((item: unknown) => (typeof item === 'string' ? item.trim() : item))
      : value,
  )
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BODIES)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  @IsPlainText({ each: true })
  bodies?: string[] | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Its share for a weighted entry-into-force threshold, in percent (e.g. its share of global emissions).',
  })
  @IsOptional()
  @IsPercentage(6)
  weight?: number | null;
}
