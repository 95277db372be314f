import { Field, InputType, Int } from '@nestjs/graphql';
import {
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DateTime } from '../../common/date-time.scalar.js';
import { IsPlainText, IsWorldDate, Trim } from '../../common/validation.js';

/** Why a change was made and where it is reported: recorded on its event. */
@InputType({ isAbstract: true })
export class SourcedInput {
  @Field(() => String, { nullable: true })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @IsPlainText({ multiline: true })
  note?: string | null;

  @Field(() => String, { nullable: true, description: 'An http(s) URL reporting the change.' })
  @Trim()
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  sourceUrl?: string | null;
}

/** A change to an existing agreement: also when it happened, and the version it expects. */
@InputType({ isAbstract: true })
export class ChangeRecordInput extends SourcedInput {
  @Field(() => Int, {
    nullable: true,
    description: 'Refuse the change (VERSION_CONFLICT) unless the agreement is at this version.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When it happened in the world; defaults to now. Never in the future.',
  })
  @IsOptional()
  @IsDate()
  @IsWorldDate()
  occurredAt?: Date | null;
}

/** A workflow write a client may retry safely. */
@InputType({ isAbstract: true })
export class IdempotentChangeInput extends ChangeRecordInput {
  @Field(() => String, {
    nullable: true,
    description:
      'Any unique string (a UUID): a retry with the same key within 24 hours returns the first result and writes nothing.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsPlainText()
  idempotencyKey?: string | null;
}
