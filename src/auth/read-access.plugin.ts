import { Inject } from '@nestjs/common';
import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { DomainError } from '../common/domain-error.js';
import type { RequestContext } from '../common/graphql-context.js';
import { requestError } from '../common/graphql-errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ApiTokensService } from './api-tokens.service.js';

/**
 * With REQUIRE_AUTH_FOR_READS, every HTTP request needs a valid token, checked before the query
 * is even parsed, so that no part of the schema shows through to a stranger. (WebSocket
 * connections are checked when they open.)
 */
@Plugin()
export class ReadAccessPlugin implements ApolloServerPlugin<RequestContext> {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: ApiTokensService,
  ) {}

  requestDidStart(): Promise<GraphQLRequestListener<RequestContext> | void> {
    if (!this.config.requireAuthForReads) {
      return Promise.resolve();
    }
    const tokens = this.tokens;
    return Promise.resolve({
      async didResolveSource({ contextValue }) {
        try {
          contextValue.principal = await tokens.authenticate(contextValue.authorization);
        } catch (error) {
          throw error instanceof DomainError ? requestError(error, 401) : error;
        }
      },
    });
  }
}
