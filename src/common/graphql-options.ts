import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { execute, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { ApiTokensService } from '../auth/api-tokens.service.js';
import type { AppConfig, RequestLimits } from '../config/config.js';
import { requestContextFactory, type WebSocketExtra } from './graphql-context.js';
import { formatExecutionResult, formatGraphQLError } from './graphql-errors.js';
import { limitRefusal, measureOperation } from './query-limits.js';
import { subscribeSharingResults } from './shared-subscription-results.js';

export const GRAPHQL_PATH = '/graphql';

/** The refusal of an operation over the limits, as an execution result, or null. */
function overLimits(args: ExecutionArgs, limits: RequestLimits): ExecutionResult | null {
  const size = measureOperation(
    args.schema,
    args.document,
    args.operationName,
    args.variableValues ?? {},
  );
  const refusal = limitRefusal(size, limits);
  return refusal
    ? { errors: [new GraphQLError(refusal.message, { originalError: refusal })] }
    : null;
}

/**
 * The WebSocket side: the token is checked when the connection opens (a bad one, or none when
 * reads need one, closes it with 4403), the same limits and error mapping as over HTTP apply.
 * Nest passes every option through to graphql-ws, though its type lists only some of them.
 */
function webSocketOptions(
  config: AppConfig,
  tokens: ApiTokensService,
): GraphQLWsSubscriptionsConfig {
  const options: Partial<ServerOptions<Record<string, unknown>, WebSocketExtra>> & {
    path: string;
  } = {
    path: GRAPHQL_PATH,
    onConnect: async (ctx) => {
      const authorization = ctx.connectionParams?.authorization;
      if (authorization === undefined) {
        return !config.requireAuthForReads;
      }
      try {
        // Kept on the connection, never sent back in the acknowledgement.
        ctx.extra.principal = await tokens.authenticate(authorization);
        return true;
      } catch {
        return false;
      }
    },
    execute: (args: ExecutionArgs) => overLimits(args, config.limits) ?? execute(args),
    subscribe: (args: ExecutionArgs) =>
      overLimits(args, config.limits) ?? subscribeSharingResults(args),
    onNext: (_ctx, _id, _payload, _args, result) => formatExecutionResult(result),
    // Validation errors of a request, which graphql-ws sends without a code.
    onError: (_ctx, _id, _payload, errors) =>
      errors.map((error) => formatGraphQLError(error.toJSON(), error, 'GRAPHQL_VALIDATION_FAILED')),
  };
  // graphql-ws calls these with its own connection type (`ctx.extra` holds the upgrade request).
  return options as unknown as GraphQLWsSubscriptionsConfig;
}

export function graphqlOptions(config: AppConfig, tokens: ApiTokensService): ApolloDriverConfig {
  const production = config.nodeEnv === 'production';
  return {
    driver: ApolloDriver,
    path: GRAPHQL_PATH,
    // Built in memory at start; the committed schema.gql is written by `npm run generate`.
    autoSchemaFile: true,
    sortSchema: true,
    context: requestContextFactory(config, tokens),
    subscriptions: { 'graphql-ws': webSocketOptions(config, tokens) },
    formatError: formatGraphQLError,
    autoTransformHttpErrors: false,
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    // In production, no "did you mean" hints that map the schema out for a stranger.
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    playground: !production,
    // Ratify sets no cache hints; without this plugin Apollo would still wrap every field.
    plugins: [ApolloServerPluginCacheControlDisabled()],
  };
}
