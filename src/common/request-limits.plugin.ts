import { Inject } from '@nestjs/common';
import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { requestError } from './graphql-errors.js';
import { limitRefusal, measureOperation } from './query-limits.js';

/** Refuses an HTTP operation over the depth, cost or alias limits before any resolver runs. */
@Plugin()
export class RequestLimitsPlugin implements ApolloServerPlugin {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  requestDidStart(): Promise<GraphQLRequestListener<object>> {
    const { limits, introspection } = this.config;
    return Promise.resolve({
      didResolveOperation({ schema, document, request }) {
        const size = measureOperation(schema, document, request.operationName, request.variables, {
          introspection,
        });
        const refusal = limitRefusal(size, limits);
        if (refusal) {
          throw requestError(refusal, 400);
        }
        return Promise.resolve();
      },
    });
  }
}
