import { Field, ID, InputType, IntersectionType, PartialType, PickType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { ChangeRecordInput } from './change-record.input.js';
import { CreateAgreementInput } from './create-agreement.input.js';

/** The details updateAgreement may change, in the order events list them. Never the stage. */
export const DETAIL_FIELDS = [
  'title',
  'shortTitle',
  'kind',
  'summary',
  'termYears',
  'predecessorId',
] as const;
export type DetailField = (typeof DETAIL_FIELDS)[number];

/** The clauses updateAgreement may change too (the rule only until the agreement is in force). */
export const CLAUSE_FIELDS = ['entryIntoForce', 'withdrawalNoticeMonths', 'expiresAt'] as const;
export type ClauseField = (typeof CLAUSE_FIELDS)[number];

/** The details, each optional; null clears an optional one. */
const AgreementDetails = PartialType(
  PickType(CreateAgreementInput, [...DETAIL_FIELDS, ...CLAUSE_FIELDS]),
  // Validate explicit nulls too, so that `title: null` is refused instead of clearing the title.
  { skipNullProperties: false },
);

@InputType()
export class UpdateAgreementInput extends IntersectionType(AgreementDetails, ChangeRecordInput) {
  @Field(() => ID)
  @IsUUID()
  agreementId: string;
}
