import { Field, ID, InputType } from '@nestjs/graphql';
import {
  IsDate,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IdempotentChangeInput } from '../../agreements/dto/change-record.input.js';
import { DateTime } from '../../common/date-time.scalar.js';
import { IsPartyCode, IsPlainText, IsWorldDate, Trim, UpperCase } from '../../common/validation.js';
import { ConsentMeans } from '../../workflow/index.js';
import { PartyActionOrMove } from '../models/party-enums.js';

@InputType()
export class RecordPartyActionInput extends IdempotentChangeInput {
  @Field(() => ID)
  @IsUUID()
  agreementId: string;

  @Field()
  @UpperCase()
  @IsPartyCode()
  partyCode: string;

  @Field(() => PartyActionOrMove, {
    description: 'A party action; the moves the server makes (PARTY_IN_FORCE, ...) are refused.',
  })
  @IsEnum(PartyActionOrMove)
  action: PartyActionOrMove;

  @Field(() => ConsentMeans, { nullable: true, description: 'CONSENT only, and required there.' })
  @IsOptional()
  @IsEnum(ConsentMeans)
  means?: ConsentMeans | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the action cites, e.g. the depositary notification of the instrument.',
  })
  @Trim()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsPlainText()
  reference?: string | null;

  @Field(() => DateTime, {
    nullable: true,
    description:
      "GIVE_WITHDRAWAL_NOTICE only: a later date the notice names for its effect; defaults to the agreement's withdrawalNoticeMonths after the notice.",
  })
  @IsOptional()
  @IsDate()
  @IsWorldDate({ future: true })
  withdrawalEffectiveAt?: Date | null;
}
