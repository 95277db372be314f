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
// Nest passes listen()'s arguments on to Node's server.listen(port, host, backlog, callback); its
// types name only the first two.
const listen = app.listen.bind(app) as unknown as (
  port: number,
  host: string,
  backlog: number,
) => Promise<void>;
await listen(config.port, config.host, config.listenBacklog);
new Logger('Ratify').log(
  `GraphQL at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/graphql`,
);
