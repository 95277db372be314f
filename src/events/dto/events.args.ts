import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageArgs } from '../../common/pagination.js';
import { IsPartyCode, UpperCase } from '../../common/validation.js';

@ArgsType()
export class EventsArgs extends PageArgs(50) {
  @Field(() => ID, { nullable: true, description: 'Only the events of this agreement.' })
  @IsOptional()
  @IsUUID()
  agreementId?: string | null;
}

@ArgsType()
export class AgreementSubscriptionArgs {
  @Field(() => ID, { nullable: true, description: 'Only the events of this agreement.' })
  @IsOptional()
  @IsUUID()
  agreementId?: string | null;
}

@ArgsType()
export class AgreementEventsSubscriptionArgs extends AgreementSubscriptionArgs {
  @Field(() => String, {
    nullable: true,
    description:
      'Replay the log after this event cursor first, then go live: no gap, no duplicate.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string | null;
}

@ArgsType()
export class PartySubscriptionArgs extends AgreementSubscriptionArgs {
  @Field(() => String, { nullable: true, description: 'Only the events about this party.' })
  @UpperCase()
  @IsOptional()
  @IsPartyCode()
  partyCode?: string | null;
}
