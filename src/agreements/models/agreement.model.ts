import { Extensions, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/date-time.scalar.js';
import { ConnectionType } from '../../common/pagination.js';
import { MAX_ITEMS } from '../../common/query-limits.js';
import { AgreementKind, AgreementStage, WorkflowAction } from '../../workflow/index.js';
import { MAX_PARTIES } from '../dto/create-agreement.input.js';
import { PartyModel } from './party.model.js';

@ObjectType('Agreement', { description: 'An agreement between two or more parties.' })
export class AgreementModel {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  shortTitle: string | null;

  @Field(() => AgreementKind)
  kind: AgreementKind;

  @Field(() => String, { nullable: true })
  summary: string | null;

  @Field(() => Int, { nullable: true })
  termYears: number | null;

  @Field(() => ID, { nullable: true, description: 'The agreement this one replaces.' })
  predecessorId: string | null;

  @Field(() => AgreementStage)
  stage: AgreementStage;

  @Field(() => DateTime, {
    description: 'Real-world date of the last stage change.',
  })
  stageEnteredAt: Date;

  @Field(() => Int, {
    description: 'Increments on every change; pass it as expectedVersion to refuse lost updates.',
  })
  version: number;

  @Field(() => DateTime, {
    nullable: true,
    description: 'Real-world date of its signature (opened for signature); null when unknown.',
  })
  signedAt: Date | null;

  @Field(() => Int, {
    description: 'Calendar months from a withdrawal notice to its effect (VCLT art 56: 12).',
  })
  withdrawalNoticeMonths: number;

  @Field(() => DateTime, { nullable: true, description: 'When it expires, once in force.' })
  expiresAt: Date | null;

  @Field(() => DateTime)
  createdAt: Date;

  @Field(() => DateTime)
  updatedAt: Date;

  @Field(() => [PartyModel])
  @Extensions({ [MAX_ITEMS]: MAX_PARTIES })
  parties: PartyModel[];

  @Field(() => [WorkflowAction], { description: 'The actions whose guard passes now.' })
  availableActions: WorkflowAction[];
}

export const AgreementConnection = ConnectionType(AgreementModel, 'Agreement');
