import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The first result of each write sent with an idempotency key, per actor. */
export class IdempotencyKeys1764500000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "idempotency_key" (
        "actor" varchar NOT NULL,
        "key" varchar NOT NULL,
        "operation" varchar NOT NULL,
        "requestHash" varchar(64) NOT NULL,
        "response" text NOT NULL,
        "createdAt" timestamptz NOT NULL,
        PRIMARY KEY ("actor", "key")
      )`);
    await db.query(`CREATE INDEX "IDX_idempotency_key_created" ON "idempotency_key" ("createdAt")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "idempotency_key"`);
  }
}
