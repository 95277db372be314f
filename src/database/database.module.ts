import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source-options.js';
import { Database } from './database.service.js';
import { openDatabase } from './migrate.js';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      // An unreachable database is a configuration problem: fail at once rather than retry.
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(config), retryAttempts: 0 }),
          dataSourceFactory: (options) => openDatabase(options!),
        }),
      ],
      providers: [Database],
      exports: [Database],
    };
  }
}
