import type { ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger as PinoLogger } from 'pino';
import { AgreementsModule } from './agreements/agreements.module.js';
import { PartiesModule } from './parties/parties.module.js';
import { AuthModule } from './auth/auth.module.js';
import { RequestContexts } from './auth/request-context.js';
import { GRAPHQL_ACCESS } from './common/graphql-access.js';
import { GraphQLExceptionFilter } from './common/graphql-exception.filter.js';
import { graphqlOptions, UnmountedApolloDriver } from './common/graphql-options.js';
import { GraphQLWebSocketServer } from './common/graphql-ws-server.js';
import { RequestLimitsPlugin } from './common/request-limits.plugin.js';
import { InputValidationPipe } from './common/validation.js';
import { LogFlush, ROOT_LOGGER } from './logging/logging.js';
import { MetricsCollectors } from './metrics/collectors.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OperationObserverPlugin } from './metrics/operation-observer.plugin.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DemoSeeder } from './database/demo-seed.js';
import { EventsModule } from './events/events.module.js';
import { FeedsModule } from './feeds/feeds.module.js';
import { GraphiQLController } from './graphiql/graphiql.controller.js';
import { HealthController } from './health/health.controller.js';
import { Readiness } from './health/readiness.js';
import { WebAppController } from './web-app/web-app.controller.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: PinoLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule,
        DatabaseModule.forRoot(config.database, config.countSqlQueries),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: UnmountedApolloDriver,
          useFactory: () => graphqlOptions(config),
        }),
        AuthModule,
        EventsModule,
        AgreementsModule,
        PartiesModule,
        FeedsModule,
        WebhooksModule,
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
      ],
      controllers: [HealthController, GraphiQLController, WebAppController],
      providers: [
        { provide: APP_PIPE, useClass: InputValidationPipe },
        { provide: APP_FILTER, useClass: GraphQLExceptionFilter },
        RequestLimitsPlugin,
        OperationObserverPlugin,
        MetricsCollectors,
        { provide: GRAPHQL_ACCESS, useExisting: RequestContexts },
        GraphQLWebSocketServer,
        Readiness,
        { provide: ROOT_LOGGER, useValue: logger },
        LogFlush,
        ...(config.seedDemo ? [DemoSeeder] : []),
      ],
    };
  }
}
