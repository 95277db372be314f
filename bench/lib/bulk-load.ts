import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { PARTIES } from './ratify.js';

/** SQLite's text form of a point in time, as TypeORM writes it. */
const sqliteDate = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');

/**
 * Adds `agreements` agreements of `eventsPerAgreement` events each (a creation, then STALL and
 * RESUME in turn) to a Ratify database that is not in use, straight through SQL: the rows Ratify
 * would have written, with their sequences, in one transaction.
 */
export function bulkLoad(file: string, agreements: number, eventsPerAgreement: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const insertAgreement = db.prepare(
    `INSERT INTO "agreement" ("id", "title", "shortTitle", "kind", "stage", "stageEnteredAt", "version", "createdSequence", "searchText", "createdAt", "updatedAt")
     VALUES (?, ?, ?, 'TREATY', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertParty = db.prepare(
    `INSERT INTO "party" ("agreementId", "code", "position", "name", "legislature", "approvalRequired", "approvalStatus")
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = db.prepare(
    `INSERT INTO "agreement_event" ("sequence", "agreementId", "type", "action", "fromStage", "toStage", "occurredAt", "recordedAt", "actor")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'bulk-load')`,
  );
  db.transaction(() => {
    let sequence = (
      db.prepare(`SELECT "lastSequence" FROM "event_counter"`).get() as { lastSequence: number }
    ).lastSequence;
    const now = sqliteDate(new Date());
    // STALL and RESUME in turn after the creation: where the last one leaves the agreement.
    const finalStage = (eventsPerAgreement - 1) % 2 === 1 ? 'STALLED' : 'NEGOTIATION';
    for (let i = 0; i < agreements; i += 1) {
      const id = randomUUID();
      const created = (sequence += 1);
      const title = `Bulk agreement ${i}`;
      insertAgreement.run(
        id,
        title,
        `B${i}`,
        finalStage,
        now,
        eventsPerAgreement,
        created,
        `${title}\nb${i}`.toLowerCase(),
        now,
        now,
      );
      for (const [position, party] of PARTIES.entries()) {
        insertParty.run(
          id,
          party.code,
          position,
          party.name,
          party.legislature ?? null,
          party.approvalRequired ? 1 : 0,
          party.approvalRequired ? 'PENDING' : 'NOT_REQUIRED',
        );
      }
      insertEvent.run(created, id, 'AGREEMENT_CREATED', null, null, 'NEGOTIATION', now, now);
      let stage = 'NEGOTIATION';
      for (let e = 1; e < eventsPerAgreement; e += 1) {
        const [action, to] =
          stage === 'NEGOTIATION' ? ['STALL', 'STALLED'] : ['RESUME', 'NEGOTIATION'];
        insertEvent.run((sequence += 1), id, 'STAGE_CHANGED', action, stage, to, now, now);
        stage = to;
      }
    }
    db.prepare(`UPDATE "event_counter" SET "lastSequence" = ?`).run(sequence);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
