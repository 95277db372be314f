import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { serveGraphQLOverHttp } from './common/graphql-http.js';
import { GraphQLWebSocketServer } from './common/graphql-ws-server.js';
import type { AppConfig } from './config/config.js';
import { nestLogger, rootLogger } from './logging/logging.js';

/**
 * The application as main.ts serves it and the e2e tests boot it; `logDestination` receives the
 * log lines instead of stdout (the specs read them).
 */
export async function createApp(
  config: AppConfig,
  { logDestination }: { logDestination?: DestinationStream } = {},
): Promise<INestApplication> {
  const logger = rootLogger(config, logDestination);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    bufferLogs: true,
    // No route of Express's takes a body: /graphql is served before Express (graphql-http.ts).
    bodyParser: false,
  });
  app.useLogger(nestLogger(logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  await app.init();
  serveGraphQLOverHttp(app, config);
  app.get(GraphQLWebSocketServer).listen(app.getHttpServer());
  return app;
}
