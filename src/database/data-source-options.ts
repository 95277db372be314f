import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { AgreementEntity } from '../agreements/entities/agreement.entity.js';
import { IdempotencyKeyEntity } from '../agreements/entities/idempotency-key.entity.js';
import { PartyEntity } from '../agreements/entities/party.entity.js';
import { ApiTokenEntity } from '../auth/entities/api-token.entity.js';
import type { DatabaseConfig } from '../config/config.js';
import { AgreementEventEntity } from '../events/entities/agreement-event.entity.js';
import { TypeOrmNestLogger } from './typeorm-logger.js';
import { InitialSchema1764400000000 } from './migrations/1764400000000-initial-schema.js';
import { IdempotencyKeys1764500000000 } from './migrations/1764500000000-idempotency-keys.js';

export const ENTITIES = [
  AgreementEntity,
  PartyEntity,
  AgreementEventEntity,
  ApiTokenEntity,
  IdempotencyKeyEntity,
];
export const MIGRATIONS = [InitialSchema1764400000000, IdempotencyKeys1764500000000];

/** TypeORM options for the configured database; the schema comes from migrations only. */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const inMemory = config.path === ':memory:';
  if (!inMemory) {
    mkdirSync(dirname(config.path), { recursive: true });
  }
  return {
    type: 'better-sqlite3',
    database: config.path,
    enableWAL: !inMemory,
    // Another process (the token command, a second server) may hold the write lock briefly.
    timeout: 5000,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logger: new TypeOrmNestLogger(),
    maxQueryExecutionTime: 1000,
  };
}
