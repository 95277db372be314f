import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule, type GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import type { ServerOptions } from 'graphql-ws';
import { AgreementsModule } from './agreements/agreements.module.js';
import { AuthModule } from './auth/auth.module.js';
import { requestContext } from './common/graphql-context.js';
import { GraphQLExceptionFilter } from './common/graphql-exception.filter.js';
import { formatExecutionResult, formatGraphQLError } from './common/graphql-errors.js';
import { validationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DemoSeeder } from './database/demo-seed.js';
import { EventsModule } from './events/events.module.js';
import { HealthController } from './health/health.controller.js';

export const GRAPHQL_PATH = '/graphql';

/**
 * The WebSocket side of the error mapping. Nest passes every option through to graphql-ws,
 * `onError` included, though its type lists only some of them.
 */
const graphqlWsOptions: GraphQLWsSubscriptionsConfig & Pick<ServerOptions, 'onError'> = {
  path: GRAPHQL_PATH,
  onNext: (_ctx, _id, _payload, _args, result) => formatExecutionResult(result),
  // Validation errors of a subscription request, which graphql-ws sends without a code.
  onError: (_ctx, _id, _payload, errors) =>
    errors.map((error) => formatGraphQLError(error.toJSON(), error, 'GRAPHQL_VALIDATION_FAILED')),
};

function graphqlOptions(config: AppConfig): ApolloDriverConfig {
  return {
    driver: ApolloDriver,
    path: GRAPHQL_PATH,
    // Built in memory at start; the committed schema.gql is written by `npm run generate`.
    autoSchemaFile: true,
    sortSchema: true,
    context: requestContext,
    subscriptions: { 'graphql-ws': graphqlWsOptions },
    formatError: formatGraphQLError,
    autoTransformHttpErrors: false,
    includeStacktraceInErrorResponses: false,
    playground: config.nodeEnv !== 'production',
  };
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config.database),
        GraphQLModule.forRoot<ApolloDriverConfig>(graphqlOptions(config)),
        AuthModule,
        EventsModule,
        AgreementsModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_PIPE, useFactory: validationPipe },
        { provide: APP_FILTER, useClass: GraphQLExceptionFilter },
        ...(config.seedDemo ? [DemoSeeder] : []),
      ],
    };
  }
}
