import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import type { RequestContext } from '../auth/request-context.js';
import { noteOperation } from '../logging/request-log.js';
import { Metrics } from './metrics.js';

/**
 * Counts and times each operation answered over HTTP, and tells its request's log line what it
 * was (README, "Operating Ratify").
 */
@Plugin()
export class OperationObserverPlugin implements ApolloServerPlugin<RequestContext> {
  constructor(private readonly metrics: Metrics) {}

  requestDidStart(): Promise<GraphQLRequestListener<RequestContext>> {
    const started = performance.now();
    const { metrics } = this;
    return Promise.resolve({
      willSendResponse({ operation, operationName, response, contextValue }) {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : [];
        const type = operation?.operation ?? 'unknown';
        const outcome = errors?.length ? codeOf(errors[0].extensions?.code) : 'OK';
        metrics.operation(
          operationName,
          type,
          'http',
          outcome,
          (performance.now() - started) / 1000,
        );
        if (contextValue.req) {
          noteOperation(contextValue.req, {
            operation: operationName?.slice(0, 100) ?? null,
            type,
            outcome,
            tokenName: contextValue.principal?.name ?? null,
            clientAddress: contextValue.clientAddress,
          });
        }
        return Promise.resolve();
      },
    });
  }
}

/** An answer's code as a label: a string, as every code Ratify sends is. */
function codeOf(code: unknown): string {
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
