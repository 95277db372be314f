import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Test, type TestingModule } from '@nestjs/testing';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../config/config.js';
import { DatabaseModule } from './database.module.js';
import { Database } from './database.service.js';

describe('Database writes on a SQLite file (group commit)', () => {
  let dir: string;
  let module: TestingModule;
  let db: Database;
  let closed: boolean;
  /** Shuts the application down, once. */
  const close = async () => {
    if (!closed) {
      closed = true;
      await module.close();
    }
  };
  /** Another connection to the file: it sees only what has been committed. */
  let outside: BetterSqlite3.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ratify-db-'));
    const file = join(dir, 'ratify.sqlite');
    const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'fatal' });
    module = await Test.createTestingModule({
      imports: [DatabaseModule.forRoot(config.database)],
    }).compile();
    await module.init();
    db = module.get(Database);
    closed = false;
    outside = new BetterSqlite3(file, { readonly: true });
  });
  afterEach(async () => {
    outside.close();
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  const committedKeys = () =>
    outside
      .prepare(`SELECT "key" FROM "ratify_meta" WHERE "key" LIKE 'k%' ORDER BY "key"`)
      .pluck()
      .all();

  const insert = (key: string, fail = false) =>
    db.write(
      async (tx) => {
        await tx.execute(`INSERT INTO "ratify_meta" ("key", "value") VALUES (?, 'v')`, [key]);
        if (fail) {
          throw new Error(`write ${key} refused after its insert`);
        }
        return key;
      },
      () => seenAtAnswer.push([key, committedKeys()]),
    );
  let seenAtAnswer: [string, unknown[]][] = [];
  beforeEach(() => {
    seenAtAnswer = [];
  });

  it('answers the writes of one turn after one COMMIT, in order, each seeing all of them committed', async () => {
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    expect(await Promise.all(keys.map((key) => insert(key)))).toEqual(keys);
    // Each was answered (and its afterCommit run) only once every write of the group had
    // committed: the first already sees the last.
    expect(seenAtAnswer).toEqual(keys.map((key) => [key, keys]));
  });

  it('rolls back a failing write alone: the writes around it in the group stand', async () => {
    const results = await Promise.allSettled([insert('k1'), insert('k2', true), insert('k3')]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'k1' },
      { status: 'rejected', reason: new Error('write k2 refused after its insert') },
      { status: 'fulfilled', value: 'k3' },
    ]);
    expect(committedKeys()).toEqual(['k1', 'k3']);
    expect(seenAtAnswer.map(([key]) => key)).toEqual(['k1', 'k3']);
  });

  it('fails the whole group when SQLite ends its transaction (an I/O error), and goes on afresh', async () => {
    const first = insert('k1');
    const broken = db.write(async (tx) => {
      await tx.execute('ROLLBACK'); // what SQLite does itself on a full disk or an I/O error
      throw new Error('disk I/O error');
    });
    await expect(first).rejects.toMatchObject({ message: 'disk I/O error' });
    await expect(broken).rejects.toMatchObject({ message: 'disk I/O error' });
    expect(committedKeys()).toEqual([]);
    expect(seenAtAnswer).toEqual([]);
    await insert('k3');
    expect(committedKeys()).toEqual(['k3']);
  });

  it('starts a new group for writes after a commit, and commits an open group at shutdown', async () => {
    await insert('k1');
    expect(committedKeys()).toEqual(['k1']);
    const pending = insert('k2');
    await close();
    await expect(pending).resolves.toBe('k2');
    expect(committedKeys()).toEqual(['k1', 'k2']);
  });

  describe('reads, which share a snapshot until the turn ends', () => {
    const keysRead = async () =>
      (
        await db.select<{ key: string }>(
          `SELECT "key" FROM "ratify_meta" WHERE "key" LIKE 'k%' ORDER BY "key"`,
        )
      ).map((row) => row.key);

    it("see another process's commit from the next turn of the event loop", async () => {
      const other = new BetterSqlite3(join(dir, 'ratify.sqlite'));
      try {
        expect(await keysRead()).toEqual([]);
        other.prepare(`INSERT INTO "ratify_meta" ("key", "value") VALUES ('k1', 'v')`).run();
        // The same turn: the snapshot of the first read (one transaction for both reads).
        expect(await keysRead()).toEqual([]);
        await nextTurn();
        expect(await keysRead()).toEqual(['k1']);
      } finally {
        other.close();
      }
    });

    it("see this process's commit at once, even in the turn of a read before it", async () => {
      // A read in the check phase where the group will commit, before its COMMIT.
      const before = new Promise<string[]>((resolve) => setImmediate(() => resolve(keysRead())));
      let after: Promise<string[]> | undefined;
      await db.write(
        (tx) => tx.execute(`INSERT INTO "ratify_meta" ("key", "value") VALUES ('k1', 'v')`),
        () => {
          after = keysRead();
        },
      );
      expect(await before).toEqual([]);
      expect(await after).toEqual(['k1']);
    });

    it('are ended with the connection when the application stops in the middle of a turn', async () => {
      expect(await keysRead()).toEqual([]);
      await close(); // the turn's end, after this, finds the reader closed
      await nextTurn();
      expect(outside.prepare('SELECT 1').pluck().get()).toBe(1);
    });
  });
});
