import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTime } from '../../common/date-time.scalar.js';
import { Role } from '../role.js';

registerEnumType(Role, {
  name: 'Role',
  description: 'EDITOR creates agreements, edits details, records approval steps; ADMIN does all.',
});

@ObjectType('ApiToken', { description: 'A named token; its secret is never shown again.' })
export class ApiTokenModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Recorded as the actor of every event written with the token.' })
  name: string;

  @Field(() => Role)
  role: Role;

  @Field(() => DateTime)
  createdAt: Date;

  @Field(() => DateTime, { nullable: true })
  lastUsedAt: Date | null;

  @Field(() => DateTime, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType()
export class CreatedApiToken {
  @Field({ description: 'The secret, shown this once: send it as Authorization: Bearer <token>.' })
  token: string;

  @Field(() => ApiTokenModel)
  apiToken: ApiTokenModel;
}
