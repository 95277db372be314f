import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsUUID } from 'class-validator';
import { WorkflowAction } from '../../workflow/index.js';
import { IdempotentChangeInput } from './change-record.input.js';

@InputType()
export class AdvanceAgreementInput extends IdempotentChangeInput {
  @Field(() => ID)
  @IsUUID()
  agreementId: string;

  @Field(() => WorkflowAction)
  @IsEnum(WorkflowAction)
  action: WorkflowAction;
}
