import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Metrics } from './metrics.js';

/** Counts and times each operation answered over HTTP (README, "Operating Ratify"). */
@Plugin()
export class OperationMetricsPlugin implements ApolloServerPlugin {
  constructor(private readonly metrics: Metrics) {}

  requestDidStart(): Promise<GraphQLRequestListener<object>> {
    const started = performance.now();
    const { metrics } = this;
    return Promise.resolve({
      willSendResponse({ operation, operationName, response }) {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : [];
        metrics.operation(
          operationName,
          operation?.operation ?? 'unknown',
          'http',
          errors?.length ? codeOf(errors[0].extensions?.code) : 'OK',
          (performance.now() - started) / 1000,
        );
        return Promise.resolve();
      },
    });
  }
}

/** An answer's code as a label: a string, as every code Ratify sends is. */
function codeOf(code: unknown): string {
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
