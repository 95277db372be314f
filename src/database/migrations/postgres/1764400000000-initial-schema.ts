import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agreements, parties, the append-only event log with its sequence counter, and API tokens: the
 * PostgreSQL twin of the SQLite migration of the same name (timestamptz for points in time, and
 * the append-only rule as a trigger function).
 */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "agreement" (
        "id" varchar(36) PRIMARY KEY NOT NULL,
        "title" varchar NOT NULL,
        "shortTitle" varchar,
        "kind" varchar NOT NULL,
        "summary" text,
        "termYears" integer,
        "predecessorId" varchar(36) UNIQUE REFERENCES "agreement" ("id"),
        "stage" varchar NOT NULL,
        "stageEnteredAt" timestamptz NOT NULL,
        "version" integer NOT NULL,
        "createdSequence" integer NOT NULL UNIQUE,
        "searchText" text NOT NULL,
        "createdAt" timestamptz NOT NULL,
        "updatedAt" timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX "IDX_agreement_stage" ON "agreement" ("stage", "createdSequence")`,
    );
    await db.query(`
      CREATE TABLE "party" (
        "agreementId" varchar(36) NOT NULL REFERENCES "agreement" ("id"),
        "code" varchar(2) NOT NULL,
        "position" integer NOT NULL,
        "name" varchar NOT NULL,
        "legislature" varchar,
        "approvalRequired" boolean NOT NULL,
        "approvalStatus" varchar NOT NULL,
        "approvalUpdatedAt" timestamptz,
        "votesFor" integer,
        "votesAgainst" integer,
        "abstentions" integer,
        PRIMARY KEY ("agreementId", "code")
      )`);
    await db.query(`CREATE INDEX "IDX_party_code" ON "party" ("code", "agreementId")`);
    // Deferred: an agreement's creation event is appended first, since the agreement row
    // records that event's sequence.
    await db.query(`
      CREATE TABLE "agreement_event" (
        "sequence" integer PRIMARY KEY NOT NULL,
        "agreementId" varchar(36) NOT NULL
          REFERENCES "agreement" ("id") DEFERRABLE INITIALLY DEFERRED,
        "type" varchar NOT NULL,
        "action" varchar,
        "fromStage" varchar,
        "toStage" varchar,
        "partyCode" varchar(2),
        "approvalStatus" varchar,
        "votesFor" integer,
        "votesAgainst" integer,
        "abstentions" integer,
        "occurredAt" timestamptz NOT NULL,
        "recordedAt" timestamptz NOT NULL,
        "actor" varchar NOT NULL,
        "note" text,
        "sourceUrl" varchar,
        "changedFields" text
      )`);
    await db.query(
      `CREATE INDEX "IDX_agreement_event_agreement" ON "agreement_event" ("agreementId", "sequence")`,
    );
    await db.query(`
      CREATE FUNCTION "agreement_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'agreement_event is append-only'; END $$`);
    await db.query(`
      CREATE TRIGGER "agreement_event_no_change" BEFORE UPDATE OR DELETE ON "agreement_event"
      FOR EACH ROW EXECUTE FUNCTION "agreement_event_append_only"()`);
    await db.query(`
      CREATE TRIGGER "agreement_event_no_truncate" BEFORE TRUNCATE ON "agreement_event"
      FOR EACH STATEMENT EXECUTE FUNCTION "agreement_event_append_only"()`);
    // One row whose update, inside each writing transaction, hands out the next sequences: the
    // row lock it takes holds other writers until commit, so numbers follow commit order.
    await db.query(`
      CREATE TABLE "event_counter" (
        "id" integer PRIMARY KEY NOT NULL CHECK ("id" = 1),
        "lastSequence" integer NOT NULL
      )`);
    await db.query(`INSERT INTO "event_counter" ("id", "lastSequence") VALUES (1, 0)`);
    await db.query(`
      CREATE TABLE "api_token" (
        "id" varchar(36) PRIMARY KEY NOT NULL,
        "name" varchar NOT NULL UNIQUE,
        "role" varchar NOT NULL,
        "tokenHash" varchar(64) NOT NULL UNIQUE,
        "createdAt" timestamptz NOT NULL,
        "lastUsedAt" timestamptz,
        "revokedAt" timestamptz
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['api_token', 'event_counter', 'agreement_event', 'party', 'agreement']) {
      await db.query(`DROP TABLE "${table}"`);
    }
    await db.query(`DROP FUNCTION "agreement_event_append_only"`);
  }
}
