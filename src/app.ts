import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';

/** The application as main.ts serves it and the e2e tests boot it. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: config.logLevels.length > 0 ? config.logLevels : false,
  });
  app.enableShutdownHooks();
  return app;
}
