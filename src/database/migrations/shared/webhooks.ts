import type { QueryRunner } from 'typeorm';
import type { DialectTypes } from './dialect-types.js';

/**
 * Webhooks (README, "Webhooks"): each with its filter, its signing secret (kept so that it can
 * sign; the previous one too, for a day after a rotation), its cursor in the event log
 * (`position`: every event up to it was delivered or did not match), its run of failures, and
 * the lease of the instance delivering it. Its recent delivery attempts are kept beside it.
 */
export async function addWebhooks(db: QueryRunner, types: DialectTypes): Promise<void> {
  await db.query(`
    CREATE TABLE "webhook" (
      "id" varchar(36) PRIMARY KEY,
      "url" varchar NOT NULL,
      "description" varchar,
      "eventTypes" varchar,
      "agreementId" varchar(36) REFERENCES "agreement" ("id"),
      "partyCode" varchar(2),
      "secret" varchar NOT NULL,
      "previousSecret" varchar,
      "previousSecretUntil" ${types.instant},
      "enabled" boolean NOT NULL,
      "disabledAt" ${types.instant},
      "disabledReason" varchar,
      "position" bigint NOT NULL,
      "failures" integer NOT NULL DEFAULT 0,
      "failingSince" ${types.instant},
      "nextAttemptAt" ${types.instant},
      "lastError" varchar,
      "lastDeliveredAt" ${types.instant},
      "leaseOwner" varchar(36),
      "leaseUntil" ${types.instant},
      "createdBy" varchar NOT NULL,
      "createdAt" ${types.instant} NOT NULL,
      "updatedAt" ${types.instant} NOT NULL
    )`);
  await db.query(`
    CREATE TABLE "webhook_delivery" (
      "id" ${types.serialKey},
      "webhookId" varchar(36) NOT NULL REFERENCES "webhook" ("id") ON DELETE CASCADE,
      "sequence" bigint NOT NULL,
      "eventType" varchar NOT NULL,
      "attempt" integer NOT NULL,
      "redelivery" boolean NOT NULL,
      "attemptedAt" ${types.instant} NOT NULL,
      "durationMs" integer NOT NULL,
      "statusCode" integer,
      "error" varchar,
      "nextAttemptAt" ${types.instant}
    )`);
  await db.query(
    `CREATE INDEX "IDX_webhook_delivery_webhook" ON "webhook_delivery" ("webhookId", "id")`,
  );
}

export async function dropWebhooks(db: QueryRunner): Promise<void> {
  await db.query(`DROP TABLE "webhook_delivery"`);
  await db.query(`DROP TABLE "webhook"`);
}
