import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsEnum, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';
import { IsPartyCode, IsPlainText, Trim, UpperCase } from '../../common/validation.js';
import { AgreementStage, PartyStatus } from '../../workflow/index.js';
import '../../parties/models/party-enums.js';

@ArgsType()
export class AgreementArgs {
  @Field(() => ID)
  @IsUUID()
  id: string;
}

@ArgsType()
export class AgreementsArgs extends PageArgs(20) {
  @Field(() => AgreementStage, { nullable: true })
  @IsOptional()
  @IsEnum(AgreementStage)
  stage?: AgreementStage | null;

  @Field(() => String, { nullable: true, description: 'Only agreements this party is a party to.' })
  @UpperCase()
  @IsOptional()
  @IsPartyCode()
  partyCode?: string | null;

  @Field(() => PartyStatus, {
    nullable: true,
    description:
      'Only agreements with a party in this status; with partyCode, that party (e.g. every agreement KR has signed but not ratified: partyCode KR, partyStatus SIGNATORY).',
  })
  @IsOptional()
  @IsEnum(PartyStatus)
  partyStatus?: PartyStatus | null;

  @Field(() => String, {
    nullable: true,
    description: 'A case-insensitive part of the title or short title.',
  })
  @Trim()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  @IsPlainText()
  search?: string | null;
}

@ArgsType()
export class TimelineArgs extends PageArgs(50) {}
