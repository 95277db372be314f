import { ConsoleLogger } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AgreementsModule } from '../../src/agreements/agreements.module.js';
import { AuthModule } from '../../src/auth/auth.module.js';
import { loadConfig } from '../../src/config/config.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { EventsModule } from '../../src/events/events.module.js';
import { MetricsModule } from '../../src/metrics/metrics.module.js';

/** The services on a real in-memory SQLite database with its migrations, without GraphQL. */
export function servicesOnSqlite(): TestingModuleBuilder {
  const config = loadConfig({
    DATABASE_URL: 'sqlite::memory:',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'fatal',
  });
  const builder = Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      MetricsModule,
      DatabaseModule.forRoot(config.database),
      AuthModule,
      EventsModule,
      AgreementsModule,
    ],
  });
  return builder.setLogger(new ConsoleLogger({ logLevels: config.logLevels }));
}
