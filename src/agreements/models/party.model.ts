import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/date-time.scalar.js';
import { ApprovalStatus } from '../../workflow/index.js';

@ObjectType('Party', { description: 'A party to an agreement, with its domestic approval track.' })
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
}
