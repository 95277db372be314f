import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_PROCEDURE_STEPS } from '../procedure.service.js';

@ArgsType()
export class ProcedureArgs {
  @Field(() => Int, {
    defaultValue: 20,
    description: `How many of its newest steps, at most ${MAX_PROCEDURE_STEPS}; they are listed oldest first.`,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_PROCEDURE_STEPS)
  last: number = 20;
}
