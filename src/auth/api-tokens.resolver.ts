import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ApiTokensService } from './api-tokens.service.js';
import { Authorize } from './authorize.decorator.js';
import { ApiTokenIdArgs, CreateApiTokenArgs } from './dto/create-api-token.args.js';
import { ApiTokenModel, CreatedApiToken } from './models/api-token.model.js';
import { Role } from './role.js';

@Resolver(() => ApiTokenModel)
export class ApiTokensResolver {
  constructor(private readonly tokens: ApiTokensService) {}

  @Query(() => [ApiTokenModel], { description: 'Every API token, revoked ones included.' })
  @Authorize(Role.ADMIN)
  apiTokens() {
    return this.tokens.list();
  }

  @Mutation(() => CreatedApiToken)
  @Authorize(Role.ADMIN)
  createApiToken(@Args() { name, role }: CreateApiTokenArgs) {
    return this.tokens.create(name, role);
  }

  @Mutation(() => ApiTokenModel, {
    description: 'Revokes a token at once; revoking twice is harmless.',
  })
  @Authorize(Role.ADMIN)
  revokeApiToken(@Args() { id }: ApiTokenIdArgs) {
    return this.tokens.revoke(id);
  }
}
