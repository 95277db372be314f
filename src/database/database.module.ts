import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source-options.js';
import { Database } from './database.service.js';
import { openDatabase } from './migrate.js';
import { SqlQueryCounter } from './typeorm-logger.js';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: DatabaseConfig, countQueries = false): DynamicModule {
    const counter = new SqlQueryCounter(countQueries);
    return {
      module: DatabaseModule,
      // An unreachable database is a configuration problem: fail at once rather than retry.
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(config, counter), retryAttempts: 0 }),
          dataSourceFactory: (options) => openDatabase(options!),
        }),
      ],
      providers: [Database, { provide: SqlQueryCounter, useValue: counter }],
      exports: [Database, SqlQueryCounter],
    };
  }
}
