import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/config.js';
import { MIGRATIONS } from './migrations/index.js';
import { SqlQueryCounter, TypeOrmNestLogger } from './typeorm-logger.js';

/**
 * TypeORM options for the configured database. TypeORM opens the connections, runs the
 * migrations (the only source of the schema) and, on PostgreSQL, the transactions; the rows are
 * read and written in plain SQL.
 */
export function dataSourceOptions(
  config: DatabaseConfig,
  counter?: SqlQueryCounter,
): DataSourceOptions {
  const common = {
    // Run by openDatabase, at start, before anything else uses the database.
    migrations: MIGRATIONS[config.type],
    synchronize: false,
    logger: new TypeOrmNestLogger(counter),
    maxQueryExecutionTime: 1000,
  } as const;
  if (config.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: config.url,
      applicationName: 'ratify',
      poolSize: 10,
      // A database that went away (a restart) is reconnected to by the pool on the next query.
      extra: { connectionTimeoutMillis: 5000 },
    };
  }
  const inMemory = config.path === ':memory:';
  if (!inMemory) {
    mkdirSync(dirname(config.path), { recursive: true });
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.path,
    enableWAL: !inMemory,
    // Another process (the token command, a second server) may hold the write lock briefly.
    timeout: 5000,
  };
}
