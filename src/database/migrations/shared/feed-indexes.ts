import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The newest events of one party, or of one type, read from an index and not by walking the
 * log back from its end: the cost of a feed (`/feeds/events.atom?partyCode=KR&type=…`) and of a
 * `partyUpdated(partyCode:)` replay then depends on how many events match, not on the size of
 * the log (README, "Feeds"). One agreement's events have had their index from the start.
 */
export class FeedIndexes1764900000000 implements MigrationInterface {
  name = 'FeedIndexes1764900000000';

  // The same SQL on both dialects: one migration for both lists (migrations/index.ts).
  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX "IDX_agreement_event_party" ON "agreement_event" ("partyCode", "sequence")`,
    );
    await db.query(
      `CREATE INDEX "IDX_agreement_event_type" ON "agreement_event" ("type", "sequence")`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX "IDX_agreement_event_type"`);
    await db.query(`DROP INDEX "IDX_agreement_event_party"`);
  }
}
