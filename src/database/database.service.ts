import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The way every query reaches the database.
 *
 * better-sqlite3 gives TypeORM one connection that every query shares, so two transactions in
 * flight at once would nest (SAVEPOINTs inside one another) and a read issued while a
 * transaction is open would see its uncommitted rows. Work is therefore run one piece at a time,
 * in arrival order: a read sees only committed data, and writes never interleave. SQLite runs
 * each statement synchronously anyway, so this costs no parallelism.
 *
 * Never call `read` or `write` from inside `write`'s work: use the EntityManager it passes.
 */
@Injectable()
export class Database {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => work(this.dataSource.manager));
  }

  /**
   * Runs `work` in one transaction. `afterCommit` runs once it has committed and before any other
   * work starts, so effects of commits (publishing events) happen in commit order.
   */
  write<T>(work: (em: EntityManager) => Promise<T>, afterCommit?: (result: T) => void): Promise<T> {
    return this.exclusive(async () => {
      const result = await this.dataSource.transaction(async (em) => {
        await takeWriteLock(em);
        return work(em);
      });
      afterCommit?.(result);
      return result;
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/**
 * Takes SQLite's write lock as the transaction's first statement, as BEGIN IMMEDIATE would
 * (TypeORM only issues a plain BEGIN). Otherwise a transaction that reads first and writes later
 * must upgrade its lock, and if another process (the token command, a second server) wrote in
 * between, SQLite fails the upgrade at once with SQLITE_BUSY instead of waiting its turn. The
 * statement is a no-op update of the one row every writer updates anyway.
 */
async function takeWriteLock(em: EntityManager): Promise<void> {
  await em.query('UPDATE "event_counter" SET "lastSequence" = "lastSequence" WHERE "id" = 1');
}
