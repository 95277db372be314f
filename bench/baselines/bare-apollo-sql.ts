// Baseline `bare-apollo-sql`: @apollo/server standalone on Ratify's schema, whose
// advanceAgreement runs the same SQL as Ratify's (lock, read, conditional update, event append
// with its sequence, read back) through better-sqlite3 directly, in one transaction. What the
// write path costs without Nest and TypeORM. Env: PORT, DATABASE_FILE (a copy of Ratify's).
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import Database from 'better-sqlite3';

const db = new Database(process.env.DATABASE_FILE ?? 'missing DATABASE_FILE');
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');

const toStage: Record<string, [string, string]> = {
  STALL: ['NEGOTIATION', 'STALLED'],
  RESUME: ['STALLED', 'NEGOTIATION'],
};
const sqliteDate = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');

const lock = db.prepare(
  `UPDATE "event_counter" SET "lastSequence" = "lastSequence" WHERE "id" = 1`,
);
const readAgreement = db.prepare(`SELECT * FROM "agreement" WHERE "id" = ?`);
const readParties = db.prepare(`SELECT * FROM "party" WHERE "agreementId" = ? ORDER BY "position"`);
const update = db.prepare(
  `UPDATE "agreement" SET "stage" = ?, "stageEnteredAt" = ?, "version" = ?, "updatedAt" = ? WHERE "id" = ? AND "version" = ?`,
);
const bump = db.prepare(
  `UPDATE "event_counter" SET "lastSequence" = "lastSequence" + 1 WHERE "id" = 1`,
);
const head = db.prepare(`SELECT "lastSequence" FROM "event_counter" WHERE "id" = 1`);
const append = db.prepare(
  `INSERT INTO "agreement_event" ("sequence", "agreementId", "type", "action", "fromStage", "toStage", "occurredAt", "recordedAt", "actor")
   VALUES (?, ?, 'STAGE_CHANGED', ?, ?, ?, ?, ?, 'ADMIN_TOKEN')`,
);

const advance = db.transaction((id: string, action: string) => {
  lock.run();
  const agreement = readAgreement.get(id) as { stage: string; version: number } | undefined;
  readParties.all(id);
  const [from, to] = toStage[action] ?? [];
  if (!agreement || agreement.stage !== from) {
    throw new Error(`Cannot ${action} from ${agreement?.stage}`);
  }
  const now = sqliteDate(new Date());
  update.run(to, now, agreement.version + 1, now, id, agreement.version);
  bump.run();
  const { lastSequence } = head.get() as { lastSequence: number };
  append.run(lastSequence, id, action, from, to, now, now);
  const saved = readAgreement.get(id) as Record<string, unknown>;
  readParties.all(id);
  return saved;
});

const server = new ApolloServer({
  typeDefs: readFileSync('schema.gql', 'utf8'),
  resolvers: {
    Mutation: {
      advanceAgreement: (
        _: unknown,
        { input }: { input: { agreementId: string; action: string } },
      ) => advance(input.agreementId, input.action),
    },
  },
});
await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
});
