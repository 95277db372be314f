import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsUUID, ValidateNested } from 'class-validator';
import { IdempotentChangeInput } from '../../agreements/dto/change-record.input.js';
import { PartyInput } from '../../agreements/dto/party.input.js';

@InputType()
export class AddPartyInput extends IdempotentChangeInput {
  @Field(() => ID)
  @IsUUID()
  agreementId: string;

  @Field(() => PartyInput, { description: 'The state that joins: it starts NEGOTIATING.' })
  @ValidateNested()
  @Type(() => PartyInput)
  party: PartyInput;
}
