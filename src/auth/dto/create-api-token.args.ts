import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsEnum, IsUUID, Matches, MaxLength } from 'class-validator';
import { Trim } from '../../common/validation.js';
import { Role } from '../role.js';

@ArgsType()
export class CreateApiTokenArgs {
  @Field({ description: 'Who uses it, e.g. "kr-desk"; recorded as the actor of its events.' })
  @Trim()
  @MaxLength(100)
  @Matches(/^[\p{L}\p{N}][\p{L}\p{N} ._@-]*$/u, {
    message: 'name must start with a letter or digit and use letters, digits, spaces, . _ @ -',
  })
  name: string;

  @Field(() => Role)
  @IsEnum(Role)
  role: Role;
}

@ArgsType()
export class ApiTokenIdArgs {
  @Field(() => ID)
  @IsUUID()
  id: string;
}
