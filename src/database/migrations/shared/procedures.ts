import type { MigrationInterface, QueryRunner } from 'typeorm';
import { POSTGRES_TYPES, SQLITE_TYPES } from './dialect-types.js';

/**
 * Domestic procedures (README, "Domestic procedures"): a party's bodies in order and the one that
 * holds it now, and the step each APPROVAL_UPDATED event records. Parties already recorded keep
 * one body, their legislature (`bodies` null), which holds their procedure (`approvalBody` 0), in their
 * first attempt;
 * their events keep their fields, and the new ones stay null: the log is never rewritten.
 */
export class Procedures1765100000000 implements MigrationInterface {
  name = 'Procedures1765100000000';

  // The same SQL on both dialects but for the type of a real number.
  async up(db: QueryRunner): Promise<void> {
    const real = (db.connection.options.type === 'postgres' ? POSTGRES_TYPES : SQLITE_TYPES).real;
    await db.query(`ALTER TABLE "party" ADD COLUMN "bodies" text`);
    await db.query(`ALTER TABLE "party" ADD COLUMN "approvalBody" integer NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE "party" ADD COLUMN "approvalAttempt" integer NOT NULL DEFAULT 1`);
    for (const column of [
      `"body" varchar`,
      `"stepKind" varchar`,
      `"yesPercent" ${real}`,
      `"turnoutPercent" ${real}`,
      `"binding" boolean`,
      `"partyApprovalStatus" varchar`,
      `"attempt" integer`,
    ]) {
      await db.query(`ALTER TABLE "agreement_event" ADD COLUMN ${column}`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const column of [
      'attempt',
      'partyApprovalStatus',
      'binding',
      'turnoutPercent',
      'yesPercent',
      'stepKind',
      'body',
    ]) {
      await db.query(`ALTER TABLE "agreement_event" DROP COLUMN "${column}"`);
    }
    await db.query(`ALTER TABLE "party" DROP COLUMN "approvalAttempt"`);
    await db.query(`ALTER TABLE "party" DROP COLUMN "approvalBody"`);
    await db.query(`ALTER TABLE "party" DROP COLUMN "bodies"`);
  }
}
