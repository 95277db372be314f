import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { DatabaseModule } from '../src/database/database.module.js';
import { Database, MAX_GROUP_WRITES, type Transaction } from '../src/database/database.service.js';
import {
  createTestDatabase,
  dialect,
  SKIPPED_BECAUSE,
  type TestDatabase,
} from './support/databases.js';

/** The group commit of PostgreSQL writes (src/database/database.service.ts), on a real server. */
(dialect === 'postgres' ? describe : describe.skip)(
  dialect === 'postgres'
    ? 'Database writes on PostgreSQL (group commit)'
    : `Database writes on PostgreSQL (group commit): skipped ${SKIPPED_BECAUSE}`,
  () => {
    let database: TestDatabase;
    let module: TestingModule;
    let db: Database;
    let closed: boolean;
    /** Other connections to the database: they see only what has been committed. */
    let outside: pg.Pool;
    const close = async () => {
      if (!closed) {
        closed = true;
        await module.close();
      }
    };

    beforeEach(async () => {
      database = await createTestDatabase();
      const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'fatal' });
      module = await Test.createTestingModule({
        imports: [DatabaseModule.forRoot(config.database)],
      }).compile();
      await module.init();
      db = module.get(Database);
      closed = false;
      outside = new pg.Pool({ connectionString: database.url, max: 4 });
    });
    afterEach(async () => {
      await outside.end();
      await close();
      await database.drop();
    });

    const committedKeys = async () =>
      (
        await outside.query<{ key: string }>(
          `SELECT "key" FROM "ratify_meta" WHERE "key" LIKE 'k%' ORDER BY "key"`,
        )
      ).rows.map((row) => row.key);

    /** What a write saw of itself: its transaction, and what was committed while it ran. */
    interface Seen {
      key: string;
      transaction: string;
      committedDuring: string[];
    }
    const insert = (
      key: string,
      options: { fail?: boolean; during?: (tx: Transaction) => Promise<void> } = {},
    ) =>
      db.write<Seen>(async (tx) => {
        await tx.execute(`INSERT INTO "ratify_meta" ("key", "value") VALUES (?, 'v')`, [key]);
        const [{ id }] = await tx.select<{ id: string }>('SELECT txid_current()::text AS "id"');
        await options.during?.(tx);
        if (options.fail) {
          throw new Error(`write ${key} refused after its insert`);
        }
        return { key, transaction: id, committedDuring: await committedKeys() };
      });

    it('commits the writes that arrive together in one transaction, and answers them only after its COMMIT', async () => {
      const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
      const answered: string[][] = [];
      const seen = await Promise.all(
        keys.map((key) =>
          insert(key).then(async (result) => {
            answered.push(await committedKeys());
            return result;
          }),
        ),
      );
      expect(seen.map((s) => s.key)).toEqual(keys);
      expect(new Set(seen.map((s) => s.transaction)).size).toBe(1);
      // While the group ran, nothing of it was committed; each answer saw all of it committed.
      expect(seen.map((s) => s.committedDuring)).toEqual(keys.map(() => []));
      expect(answered).toEqual(keys.map(() => keys));
    });

    it('rolls back a failing write alone: the writes around it in the group stand', async () => {
      const results = await Promise.allSettled([
        insert('k1'),
        insert('k2', { fail: true }),
        insert('k3'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toEqual(
        new Error('write k2 refused after its insert'),
      );
      expect(await committedKeys()).toEqual(['k1', 'k3']);
    });

    it('hands out the log sequences in memory, gives back those of a failed write, and writes the counter with the COMMIT', async () => {
      const counter = async () =>
        Number(
          (await outside.query('SELECT "lastSequence" FROM "event_counter" WHERE "id" = 1')).rows[0]
            .lastSequence,
        );
      const before = await counter();
      const counterDuring: number[] = [];
      const take = (count: number, fail = false) =>
        db.write(async (tx) => {
          const first = tx.sequences!(count);
          counterDuring.push(await counter());
          if (fail) {
            throw new Error('refused after taking its sequences');
          }
          return first;
        });
      const results = await Promise.allSettled([take(2), take(3, true), take(1), take(4)]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([
        before + 1,
        'failed',
        before + 3,
        before + 4,
      ]);
      expect(counterDuring).toEqual([before, before, before, before]);
      expect(await counter()).toBe(before + 7);
      // A group that took no sequence leaves the row as it was.
      await insert('k1');
      expect(await counter()).toBe(before + 7);
    });

    it('also rolls back alone a write that PostgreSQL refused (a duplicate key)', async () => {
      await insert('k1');
      const results = await Promise.allSettled([insert('k2'), insert('k1'), insert('k3')]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
      expect(await committedKeys()).toEqual(['k1', 'k2', 'k3']);
    });

    it(`commits a group at ${MAX_GROUP_WRITES} writes under a load that does not let up`, async () => {
      const keys = Array.from({ length: 200 }, (_, i) => `k${String(i).padStart(3, '0')}`);
      const seen = await Promise.all(keys.map((key) => insert(key)));
      const sizes = new Map<string, number>();
      for (const { transaction } of seen) {
        sizes.set(transaction, (sizes.get(transaction) ?? 0) + 1);
      }
      expect(Math.max(...sizes.values())).toBe(MAX_GROUP_WRITES);
      expect(sizes.size).toBe(Math.ceil(keys.length / MAX_GROUP_WRITES));
      expect(await committedKeys()).toEqual(keys);
    });

    it('fails every write of a group whose connection is lost, and goes on afresh', async () => {
      const first = insert('k1');
      const broken = insert('k2', {
        during: async (tx) => {
          const [{ pid }] = await tx.select<{ pid: number }>('SELECT pg_backend_pid() AS "pid"');
          await outside.query('SELECT pg_terminate_backend($1)', [pid]);
          await tx.execute(`INSERT INTO "ratify_meta" ("key", "value") VALUES ('k2b', 'v')`);
        },
      });
      const results = await Promise.allSettled([first, broken]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(await committedKeys()).toEqual([]);
      await insert('k3');
      expect(await committedKeys()).toEqual(['k3']);
    });

    it('holds the writes of another instance until its COMMIT (the write lock)', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const holding = insert('k1', {
        during: () => {
          started();
          return held;
        },
      });
      await running;
      // Another instance's write, on a connection of its own, must wait for the lock.
      const other = new pg.Client({ connectionString: database.url });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(`SET LOCAL lock_timeout = '300ms'`);
        await expect(
          other.query('UPDATE "event_counter" SET "lastSequence" = "lastSequence" WHERE "id" = 1'),
        ).rejects.toThrow(/lock timeout/);
        await other.query('ROLLBACK');
        release();
        await holding;
        await other.query('BEGIN');
        await other.query(`SET LOCAL lock_timeout = '300ms'`);
        await other.query(
          'UPDATE "event_counter" SET "lastSequence" = "lastSequence" WHERE "id" = 1',
        );
        await other.query('ROLLBACK');
      } finally {
        await other.end();
      }
    });

    it('commits the write in progress at shutdown', async () => {
      await insert('k1');
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const pending = insert('k2', {
        during: () => {
          started();
          return Promise.resolve();
        },
      });
      await running;
      await close();
      await expect(pending).resolves.toMatchObject({ key: 'k2' });
      expect(await committedKeys()).toEqual(['k1', 'k2']);
    });
  },
);
