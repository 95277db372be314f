import { IdempotencyKeys1764500000000 as PostgresIdempotencyKeys } from './postgres/1764500000000-idempotency-keys.js';
import { InitialSchema1764400000000 as PostgresInitialSchema } from './postgres/1764400000000-initial-schema.js';
import { ClusterId1764600000000 as PostgresClusterId } from './postgres/1764600000000-cluster-id.js';
import { PartyBinding1764700000000 as PostgresPartyBinding } from './postgres/1764700000000-party-binding.js';
import { ScheduledMoves1764800000000 as PostgresScheduledMoves } from './postgres/1764800000000-scheduled-moves.js';
import { IdempotencyKeys1764500000000 as SqliteIdempotencyKeys } from './sqlite/1764500000000-idempotency-keys.js';
import { InitialSchema1764400000000 as SqliteInitialSchema } from './sqlite/1764400000000-initial-schema.js';
import { ClusterId1764600000000 as SqliteClusterId } from './sqlite/1764600000000-cluster-id.js';
import { PartyBinding1764700000000 as SqlitePartyBinding } from './sqlite/1764700000000-party-binding.js';
import { ScheduledMoves1764800000000 as SqliteScheduledMoves } from './sqlite/1764800000000-scheduled-moves.js';
import { FeedIndexes1764900000000 as FeedIndexes } from './shared/feed-indexes.js';
import { Webhooks1765000000000 as PostgresWebhooks } from './postgres/1765000000000-webhooks.js';
import { Webhooks1765000000000 as SqliteWebhooks } from './sqlite/1765000000000-webhooks.js';
import { Procedures1765100000000 as Procedures } from './shared/procedures.js';

/**
 * One history of migrations, written once per dialect where the SQL must differ: the same names
 * in the same order, so that both databases go through the same versions of the schema.
 */
export const MIGRATIONS = {
  sqlite: [
    SqliteInitialSchema,
    SqliteIdempotencyKeys,
    SqliteClusterId,
    SqlitePartyBinding,
    SqliteScheduledMoves,
    FeedIndexes,
    SqliteWebhooks,
    Procedures,
  ],
  postgres: [
    PostgresInitialSchema,
    PostgresIdempotencyKeys,
    PostgresClusterId,
    PostgresPartyBinding,
    PostgresScheduledMoves,
    FeedIndexes,
    PostgresWebhooks,
    Procedures,
  ],
};
