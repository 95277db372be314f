import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const config = configOrExit();
const app = await createApp(config);
await app.listen(config.port, config.host);
new Logger('Ratify').log(
  `GraphQL at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/graphql`,
);
