import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source-options.js';
import { Database } from './database.service.js';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      // An unreachable database is a configuration problem: fail at once rather than retry.
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(config), retryAttempts: 0 })],
      providers: [Database],
      exports: [Database],
    };
  }
}
