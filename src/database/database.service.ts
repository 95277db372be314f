import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import BetterSqlite3 from 'better-sqlite3';
import { DataSource, type EntityManager } from 'typeorm';
import { BACKGROUND, SqlQueryCounter } from './typeorm-logger.js';

type Row = Record<string, unknown>;

/** Runs one SELECT (`?` placeholders) and returns its rows. */
export type Select = <T extends Row = Row>(
  sql: string,
  params?: readonly unknown[],
) => Promise<T[]>;

/** Runs one statement (`?` placeholders): the rows it returns (RETURNING), and how many it changed. */
export type Execute = <T extends Row = Row>(
  sql: string,
  params?: readonly unknown[],
) => Promise<{ rows: T[]; changed: number }>;

/** What a `write`'s work gets: statements inside its transaction. */
export interface Transaction {
  readonly select: Select;
  readonly execute: Execute;
  /**
   * The SQL transaction this write runs in: on SQLite the writes of one group share it, and each
   * sees what those before it wrote. Nothing done in it is committed until it commits.
   */
  readonly scope: object;
}

/** Writes done and waiting for the COMMIT that makes them durable (SQLite). */
interface WriteGroup {
  readonly members: { committed(): void; failed(error: unknown): void }[];
}

/**
 * The way every query reaches the database.
 *
 * Writes run one at a time per process, in arrival order, each atomic and holding the database's
 * write lock: across processes too, writes commit one after another, which is what hands out
 * event sequences in commit order. A write is answered only once it has committed.
 *
 * On PostgreSQL each write is a TypeORM transaction whose first statement locks the event
 * counter row (see takeWriteLock).
 *
 * On a SQLite file, writes commit in groups (group commit): the first write opens a transaction
 * with BEGIN IMMEDIATE, and each write runs in a savepoint of its own inside it, so that a write
 * that fails leaves no trace while those before it stand. The writes that arrive while the event
 * loop is busy join the group, and one COMMIT, on the loop's next turn, makes all of them durable
 * at once; only then are they answered and their events published, in commit order. A failed
 * COMMIT fails every write of the group, none of which was answered. COMMIT is most of a write's
 * cost in SQLite, and under load a group holds several writes. The statements run directly on
 * the connection TypeORM opened, prepared once. An in-memory database commits each write alone:
 * its reads share the writer's connection and would see an open group.
 *
 * Reads are plain SQL (`select`), the hot path of the API. On PostgreSQL they go to the pool. On
 * a SQLite file they run synchronously on a read-only connection of their own, with prepared
 * statements kept: in WAL mode it sees only committed data, so reads never wait for writes. An
 * in-memory SQLite database has only the one connection TypeORM shares between every query, on
 * which a read issued while a transaction is open would see its uncommitted rows: there reads
 * wait their turn like writes.
 *
 * Never call `select` or `write` from inside `write`'s work: use what it passes.
 */
@Injectable()
export class Database implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(Database.name);
  private tail: Promise<unknown> = Promise.resolve();
  /** SQLite: the writes waiting for the next COMMIT. */
  private group: WriteGroup | null = null;
  readonly dialect: 'sqlite' | 'postgres';
  /** SQLite: the connection TypeORM opened, which writes go through. */
  private readonly writer: BetterSqlite3.Database | null = null;
  /** SQLite file: a read-only connection for reads outside transactions. */
  private readonly reader: BetterSqlite3.Database | null = null;
  private readonly prepared = new WeakMap<
    BetterSqlite3.Database,
    Map<string, BetterSqlite3.Statement>
  >();
  private readonly postgresText = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counter: SqlQueryCounter,
  ) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    if (this.dialect === 'sqlite') {
      this.writer = (
        dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }
      ).databaseConnection;
      const file = dataSource.options.database;
      if (typeof file === 'string' && file !== ':memory:') {
        // Said, not left to the defaults, which differ between a file that enters WAL mode now
        // and one already in it: a commit survives a crash of the process, not always a power
        // loss (README, "Durability").
        this.writer.pragma('synchronous = NORMAL');
        this.reader = new BetterSqlite3(file, {
          readonly: true,
          fileMustExist: true,
          timeout: 5000,
        });
      }
    }
  }

  /** Rows of one SELECT, with `?` placeholders, outside any transaction. */
  readonly select: Select = (sql, params = []) => this.run(sql, params);

  /**
   * A SELECT the server makes on its own, on a timer, for no request: left out of
   * COUNT_SQL_QUERIES, which counts the statements of requests (the benchmarks and specs divide
   * it by requests).
   */
  readonly background: Select = (sql, params = []) => this.run(BACKGROUND + sql, params);

  /** Statements inside one transaction: on SQLite's writer connection, or on `em`'s. */
  private transaction(scope: object, em?: EntityManager): Transaction {
    const writer = this.writer;
    const execute: Execute = writer
      ? <T extends Row>(sql: string, params: readonly unknown[] = []) => {
          const statement = this.statement(writer, sql);
          const values = this.parameters(params);
          return Promise.resolve(
            statement.reader
              ? { rows: statement.all(...values) as T[], changed: 0 }
              : { rows: [] as T[], changed: statement.run(...values).changes },
          );
        }
      : async <T extends Row>(sql: string, params: readonly unknown[] = []) => {
          const result = await em!.queryRunner!.query(this.toPostgres(sql), [...params], true);
          return { rows: (result.records ?? []) as T[], changed: result.affected ?? 0 };
        };
    const select: Select = async (sql, params = []) => (await execute(sql, params)).rows as never[];
    return { select, execute, scope };
  }

  private run<T extends Row>(sql: string, params: readonly unknown[]): Promise<T[]> {
    if (this.reader) {
      return Promise.resolve(
        this.statement(this.reader, sql).all(...this.parameters(params)) as T[],
      );
    }
    if (this.dialect === 'postgres') {
      return this.dataSource.query<T[]>(this.toPostgres(sql), [...params]);
    }
    return this.exclusive(() => this.dataSource.query<T[]>(sql, this.parameters(params)));
  }

  /**
   * Runs `work` atomically, and resolves once it has committed. `afterCommit` runs once it has
   * committed and before any write after it is answered, so effects of commits (publishing
   * events) happen in commit order.
   */
  write<T>(work: (tx: Transaction) => Promise<T>, afterCommit?: (result: T) => void): Promise<T> {
    const writer = this.writer;
    if (!writer) {
      return this.exclusive(async () => {
        const result = await this.dataSource.transaction(async (em) => {
          await takeWriteLock(em);
          return work(this.transaction(em, em));
        });
        afterCommit?.(result);
        return result;
      });
    }
    const done = this.exclusive(async () => {
      const group = this.group ?? this.beginGroup(writer);
      this.statement(writer, 'SAVEPOINT "write"').run();
      try {
        const result = await work(this.transaction(group));
        this.statement(writer, 'RELEASE "write"').run();
        // Wrapped, so that the next write need not wait for the COMMIT.
        return {
          committed: new Promise<T>((resolve, reject) =>
            group.members.push({
              committed: () => {
                afterCommit?.(result);
                resolve(result);
              },
              failed: reject,
            }),
          ),
        };
      } catch (error) {
        if (writer.inTransaction) {
          this.statement(writer, 'ROLLBACK TO "write"').run();
          this.statement(writer, 'RELEASE "write"').run();
        } else {
          // SQLite rolled the whole transaction back (a full disk, an I/O error): the writes
          // before this one in the group went with it.
          this.fail(group, error);
        }
        throw error;
      } finally {
        if (!this.reader) {
          this.commit(writer, group);
        }
      }
    });
    return done.then(({ committed }) => committed);
  }

  /**
   * Runs `work` atomically for a write that appends no event (webhook bookkeeping). On PostgreSQL
   * it takes no write lock and does not queue behind the writes of this process, so that it never
   * holds up a write to the log; rows it shares with other writers are locked row by row, as
   * PostgreSQL does. On SQLite it is a write like any other: the database has one writer.
   */
  transact<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.writer) {
      return this.write(work);
    }
    return this.dataSource.transaction((em) => work(this.transaction(em, em)));
  }

  /**
   * BEGIN IMMEDIATE takes the write lock at once (waiting, up to the busy timeout, for another
   * process's write to end), so no statement of the transaction ever has to upgrade a read lock,
   * which SQLite would refuse at once with SQLITE_BUSY if another process wrote in between. On a
   * file, the COMMIT is queued for the loop's next turn, behind the writes that arrive until then.
   */
  private beginGroup(writer: BetterSqlite3.Database): WriteGroup {
    this.statement(writer, 'BEGIN IMMEDIATE').run();
    const group: WriteGroup = { members: [] };
    this.group = group;
    if (this.reader) {
      setImmediate(() => void this.exclusive(() => Promise.resolve(this.commit(writer, group))));
    }
    return group;
  }

  /** Commits `group`, then answers its writes in order (or fails them all). */
  private commit(writer: BetterSqlite3.Database, group: WriteGroup): void {
    if (this.group !== group) {
      return; // committed already (at shutdown), or failed
    }
    this.group = null;
    try {
      this.statement(writer, 'COMMIT').run();
    } catch (error) {
      if (writer.inTransaction) {
        this.statement(writer, 'ROLLBACK').run();
      }
      this.fail(group, error);
      return;
    }
    for (const member of group.members) {
      try {
        member.committed();
      } catch (error) {
        // Committed all the same; subscribers read what they missed from the log.
        this.logger.error('Publishing a committed write failed', error);
      }
    }
  }

  /** The prepared statement for `sql` on `connection`, prepared the first time. */
  private statement(connection: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
    // TypeORM's logger counts the statements it sends; these it never sees.
    if (this.counter.enabled && !sql.startsWith(BACKGROUND)) {
      this.counter.count += 1;
    }
    let statements = this.prepared.get(connection);
    if (!statements) {
      statements = new Map();
      this.prepared.set(connection, statements);
    }
    let statement = statements.get(sql);
    if (!statement) {
      statement = connection.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }

  /** Fails every write of `group`, whose transaction is gone; the next write opens another. */
  private fail(group: WriteGroup, error: unknown): void {
    if (this.group === group) {
      this.group = null;
    }
    group.members.forEach((member) => member.failed(error));
  }

  /** Commits the writes of an open group before the connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    const writer = this.writer;
    if (writer) {
      await this.exclusive(() => Promise.resolve(this.group && this.commit(writer, this.group)));
    }
  }

  onApplicationShutdown(): void {
    this.reader?.close();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** SQLite binds neither dates nor booleans: they go as TypeORM stores them. */
  private parameters(params: readonly unknown[]): unknown[] {
    if (this.dialect === 'postgres') {
      return [...params];
    }
    return params.map((value) =>
      value instanceof Date
        ? value.toISOString().replace('T', ' ').replace('Z', '')
        : typeof value === 'boolean'
          ? Number(value)
          : value,
    );
  }

  /** `?` placeholders as PostgreSQL's `$1, $2, ...` (the SQL of this project has no `?` in strings). */
  private toPostgres(sql: string): string {
    let text = this.postgresText.get(sql);
    if (!text) {
      let n = 0;
      text = sql.replace(/\?/g, () => `$${(n += 1)}`);
      this.postgresText.set(sql, text);
    }
    return text;
  }
}

/**
 * Takes PostgreSQL's write lock as the transaction's first statement, by updating the one row
 * every writer updates anyway (the event counter) to itself: the row lock holds every other
 * writer, of any instance, until this transaction ends, so writes are serialized and sequences
 * follow commit order.
 */
async function takeWriteLock(em: EntityManager): Promise<void> {
  await em.query('UPDATE "event_counter" SET "lastSequence" = "lastSequence" WHERE "id" = 1');
}

/** Column values as the drivers return them, to the types the entities hold. */
export const columns = {
  /** SQLite returns UTC text ('YYYY-MM-DD HH:MM:SS.SSS'); PostgreSQL, a Date. */
  date(value: unknown): Date {
    return value instanceof Date ? value : new Date(`${String(value).replace(' ', 'T')}Z`);
  },
  dateOrNull(value: unknown): Date | null {
    return value === null || value === undefined ? null : columns.date(value);
  },
  /** SQLite returns 0 or 1. */
  boolean(value: unknown): boolean {
    return value === true || value === 1;
  },
  json<T>(value: unknown): T | null {
    return typeof value === 'string' ? (JSON.parse(value) as T) : null;
  },
};
