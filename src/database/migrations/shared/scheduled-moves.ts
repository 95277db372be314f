import type { QueryRunner } from 'typeorm';
import type { DialectTypes } from './dialect-types.js';

/**
 * The moves an agreement's clauses make on a future date (docs/multilateral.md), kept until they
 * are made: one row per move, replaced in the transaction of every change to the agreement, so
 * that a move whose cause is gone (a revoked notice) goes with it. The agreement keeps the day
 * its condition was met and the date it entered into force, which never move once they happened,
 * and the date of its next scheduled move (null when none: a write reads no schedule then).
 */
export async function addScheduledMoves(db: QueryRunner, types: DialectTypes): Promise<void> {
  await db.query(`
    CREATE TABLE "scheduled_move" (
      "agreementId" varchar(36) NOT NULL REFERENCES "agreement" ("id"),
      "kind" varchar NOT NULL,
      "partyCode" varchar(2) NOT NULL DEFAULT '',
      "at" ${types.instant} NOT NULL,
      PRIMARY KEY ("agreementId", "kind", "partyCode")
    )`);
  await db.query(`CREATE INDEX "IDX_scheduled_move_at" ON "scheduled_move" ("at")`);
  // An agreement's parties in their order without a sort: up to 250 of them on every write.
  await db.query(
    `CREATE INDEX "IDX_party_agreement_position" ON "party" ("agreementId", "position")`,
  );
  for (const column of ['conditionMetAt', 'inForceAt', 'nextMoveAt']) {
    await db.query(`ALTER TABLE "agreement" ADD COLUMN "${column}" ${types.instant}`);
  }
  // Agreements in force already: the date they entered into force, from their log.
  await db.query(`
    UPDATE "agreement" AS a SET "inForceAt" = (
      SELECT e."occurredAt" FROM "agreement_event" e
      WHERE e."agreementId" = a."id" AND e."toStage" = 'IN_FORCE'
      ORDER BY e."sequence" DESC LIMIT 1)
    WHERE a."stage" IN ('IN_FORCE', 'EXPIRED', 'TERMINATED')`);
}

export async function dropScheduledMoves(db: QueryRunner): Promise<void> {
  await db.query(`DROP INDEX "IDX_party_agreement_position"`);
  for (const column of ['conditionMetAt', 'inForceAt', 'nextMoveAt']) {
    await db.query(`ALTER TABLE "agreement" DROP COLUMN "${column}"`);
  }
  await db.query(`DROP TABLE "scheduled_move"`);
}
