import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The way every query reaches the database.
 *
 * Writes run one at a time per process, in arrival order, each in one transaction that first
 * takes the database's write lock (see takeWriteLock): across processes too, writes commit one
 * after another, which is what hands out event sequences in commit order.
 *
 * Reads on PostgreSQL go straight to the pool. better-sqlite3, though, gives TypeORM one
 * connection that every query shares: a read issued while a transaction is open on it would see
 * uncommitted rows, so on SQLite reads wait their turn like writes. SQLite runs each statement
 * synchronously anyway, so this costs no parallelism.
 *
 * Never call `read` or `write` from inside `write`'s work: use the EntityManager it passes.
 */
@Injectable()
export class Database {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly sharedConnection: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sharedConnection = dataSource.options.type === 'better-sqlite3';
  }

  read<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.sharedConnection
      ? this.exclusive(() => work(this.dataSource.manager))
      : work(this.dataSource.manager);
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
 * Takes the database's write lock as the transaction's first statement, by updating the one row
 * every writer updates anyway (the event counter) to itself.
 *
 * On PostgreSQL the row lock holds every other writer, of any instance, until this transaction
 * ends: writes are serialized, and sequences follow commit order. On SQLite it does what BEGIN
 * IMMEDIATE would (TypeORM only issues a plain BEGIN): a transaction that read first and wrote
 * later would have to upgrade its lock, and if another process (the token command, a second
 * server) wrote in between, SQLite fails the upgrade at once with SQLITE_BUSY instead of waiting.
 */
async function takeWriteLock(em: EntityManager): Promise<void> {
  await em.query('UPDATE "event_counter" SET "lastSequence" = "lastSequence" WHERE "id" = 1');
}
