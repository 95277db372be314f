import { Field, ID, InputType, IntersectionType, PartialType, PickType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { ChangeRecordInput } from './change-record.input.js';
import { CreateAgreementInput } from './create-agreement.input.js';

/** The details that may change; null clears an optional one. The stage never changes here. */
const AgreementDetails = PartialType(
  PickType(CreateAgreementInput, [
    'title',
    'shortTitle',
    'kind',
    'summary',
    'termYears',
    'predecessorId',
  ] as const),
  // Validate explicit nulls too, so that `title: null` is refused instead of clearing the title.
  { skipNullProperties: false },
);

@InputType()
export class UpdateAgreementInput extends IntersectionType(AgreementDetails, ChangeRecordInput) {
  @Field(() => ID)
  @IsUUID()
  agreementId: string;
}
