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
      const result = await this.dataSource.transaction(work);
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
