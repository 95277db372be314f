import type { QueryRunner } from 'typeorm';

import type { DialectTypes } from './dialect-types.js';

const PARTY_COLUMNS = (t: DialectTypes) => [
  `"status" varchar NOT NULL DEFAULT 'NEGOTIATING'`,
  `"weight" ${t.real}`,
  `"signedAt" ${t.instant}`,
  `"consentMeans" varchar`,
  `"consentedAt" ${t.instant}`,
  `"consentReference" varchar`,
  `"inForceFrom" ${t.instant}`,
  `"withdrawalNoticeAt" ${t.instant}`,
  `"withdrawalEffectiveAt" ${t.instant}`,
  `"provisionalApplicationFrom" ${t.instant}`,
  `"lastActionAt" ${t.instant}`,
];

const AGREEMENT_COLUMNS = (t: DialectTypes) => [
  `"signedAt" ${t.instant}`,
  // The entry-into-force rule as JSON; null is the default rule, MANUAL.
  `"entryIntoForce" text`,
  `"withdrawalNoticeMonths" integer NOT NULL DEFAULT 12`,
  `"expiresAt" ${t.instant}`,
];

const EVENT_COLUMNS = [
  `"partyAction" varchar`,
  `"partyStatus" varchar`,
  `"consentMeans" varchar`,
  `"reference" varchar`,
];

/** The latest event that took the agreement `a` to `stage`: its real-world date. */
const enteredAt = (stage: string) => `(
  SELECT e."occurredAt" FROM "agreement_event" e
  WHERE e."agreementId" = a."id" AND e."toStage" = '${stage}'
  ORDER BY e."sequence" DESC LIMIT 1)`;

/**
 * Each party's path to being bound (docs/multilateral.md): the party's status and dates, the
 * agreement's signature date and entry-into-force rule, and the party fields of the log's events.
 * Agreements already recorded get what their stage says, as if registered there: every party
 * CONSENTED at RATIFIED, PARTY from IN_FORCE on (also once it EXPIRED or TERMINATED: it was
 * in force for them), NEGOTIATING before.
 */
export async function addPartyBinding(db: QueryRunner, types: DialectTypes): Promise<void> {
  for (const column of PARTY_COLUMNS(types)) {
    await db.query(`ALTER TABLE "party" ADD COLUMN ${column}`);
  }
  for (const column of AGREEMENT_COLUMNS(types)) {
    await db.query(`ALTER TABLE "agreement" ADD COLUMN ${column}`);
  }
  for (const column of EVENT_COLUMNS) {
    await db.query(`ALTER TABLE "agreement_event" ADD COLUMN ${column}`);
  }
  await db.query(
    `CREATE INDEX "IDX_party_code_status" ON "party" ("code", "status", "agreementId")`,
  );
  await db.query(`
    UPDATE "agreement" AS a SET "signedAt" = ${enteredAt('SIGNED')}
    WHERE a."stage" NOT IN ('NEGOTIATION', 'STALLED', 'AGREEMENT_IN_PRINCIPLE', 'WITHDRAWN')`);
  await db.query(`
    UPDATE "party" SET "status" = 'CONSENTED',
      "consentedAt" = (SELECT ${enteredAt('RATIFIED')} FROM "agreement" a WHERE a."id" = "party"."agreementId")
    WHERE "agreementId" IN (SELECT "id" FROM "agreement" WHERE "stage" = 'RATIFIED')`);
  await db.query(`
    UPDATE "party" SET "status" = 'PARTY',
      "inForceFrom" = (SELECT ${enteredAt('IN_FORCE')} FROM "agreement" a WHERE a."id" = "party"."agreementId")
    WHERE "agreementId" IN (
      SELECT "id" FROM "agreement" WHERE "stage" IN ('IN_FORCE', 'EXPIRED', 'TERMINATED'))`);
  await db.query(
    `UPDATE "party" SET "lastActionAt" = COALESCE("inForceFrom", "consentedAt") WHERE "status" <> 'NEGOTIATING'`,
  );
}

export async function dropPartyBinding(db: QueryRunner, types: DialectTypes): Promise<void> {
  await db.query(`DROP INDEX "IDX_party_code_status"`);
  const name = (column: string) => column.split('"')[1];
  for (const column of EVENT_COLUMNS) {
    await db.query(`ALTER TABLE "agreement_event" DROP COLUMN "${name(column)}"`);
  }
  for (const column of AGREEMENT_COLUMNS(types)) {
    await db.query(`ALTER TABLE "agreement" DROP COLUMN "${name(column)}"`);
  }
  for (const column of PARTY_COLUMNS(types)) {
    await db.query(`ALTER TABLE "party" DROP COLUMN "${name(column)}"`);
  }
}
