import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/date-time.scalar.js';
import { ApprovalStatus, ConsentMeans, PartyStatus } from '../../workflow/index.js';
import '../../parties/models/party-enums.js';

@ObjectType('Party', {
  description:
    'A party to an agreement: its domestic approval track, and its own path to being bound.',
})
export class PartyModel {
  @Field({ description: 'ISO 3166-1 alpha-2 code, unique within the agreement.' })
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: 'e.g. "National Assembly".' })
  legislature: string | null;

  @Field({ description: 'Does its domestic procedure need a legislative vote?' })
  approvalRequired: boolean;

  @Field(() => ApprovalStatus)
  approvalStatus: ApprovalStatus;

  @Field(() => DateTime, { nullable: true })
  approvalUpdatedAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'The last recorded vote.' })
  votesFor: number | null;

  @Field(() => Int, { nullable: true })
  votesAgainst: number | null;

  @Field(() => Int, { nullable: true })
  abstentions: number | null;

  @Field(() => PartyStatus, { description: 'Its path to being bound.' })
  status: PartyStatus;

  @Field(() => Float, { nullable: true, description: 'Its share for a weighted threshold.' })
  weight: number | null;

  @Field(() => DateTime, { nullable: true })
  signedAt: Date | null;

  @Field(() => ConsentMeans, { nullable: true, description: 'How it consented to be bound.' })
  consentMeans: ConsentMeans | null;

  @Field(() => DateTime, { nullable: true, description: 'When it consented to be bound.' })
  consentedAt: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'e.g. the depositary notification of its instrument.',
  })
  consentReference: string | null;

  @Field(() => DateTime, { nullable: true, description: 'In force for it from this date.' })
  inForceFrom: Date | null;

  @Field(() => DateTime, { nullable: true })
  withdrawalNoticeAt: Date | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When its withdrawal takes (or took) effect.',
  })
  withdrawalEffectiveAt: Date | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'Applying it provisionally since this date (VCLT art 25).',
  })
  provisionalApplicationFrom: Date | null;
}
