import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import BetterSqlite3 from 'better-sqlite3';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { BACKGROUND, SqlQueryCounter } from './typeorm-logger.js';

type Row = Record<string, unknown>;

/** Runs one SELECT (`?` placeholders) and returns its rows. */
export type Select = <T extends Row = Row>(
  sql: string,
  params?: readonly unknown[],
) => Promise<T[]>;

/**
 * Runs one SELECT (`?` placeholders) and returns its rows as arrays of values, in the order of
 * its columns: for the hot reads, where an object per row would only be copied and thrown away.
 */
export type SelectValues = (sql: string, params?: readonly unknown[]) => Promise<unknown[][]>;

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
  /**
   * Where the transaction holds the event log's counter row for itself (a PostgreSQL group):
   * the first of `count` new sequences, handed out in memory. The row is written once, with the
   * group's COMMIT; a write rolled back gives its numbers back. Absent: the log updates the row.
   */
  readonly sequences?: (count: number) => number;
}

/** Writes done and waiting for the COMMIT that makes them durable. */
interface WriteGroup {
  readonly members: { committed(): void; failed(error: unknown): void }[];
}

/** PostgreSQL: a group's transaction holds one connection of the pool until it ends. */
interface PostgresGroup extends WriteGroup {
  readonly client: PoolClient;
  /**
   * A write has run in the group: its savepoint is still there (released by the next write's
   * SAVEPOINT statement, or by the COMMIT), so that a write costs one round trip for both.
   */
  savepoint: boolean;
  /** The counter row as the group holds it (locked since BEGIN), and as it must be written. */
  head: number;
  readonly lockedHead: number;
  /** Lets the connection go back to the pool, or out of it after `error`. */
  readonly release: (error?: Error) => void;
}

/**
 * PostgreSQL: the most writes one transaction holds. A group commits once no write of this
 * process is waiting for its turn, or at this size: under a load that never lets up, a write
 * waits for at most this many others before its COMMIT.
 */
export const MAX_GROUP_WRITES = 64;

/**
 * PostgreSQL: how many statements get a name, and so are parsed and planned once per connection
 * and kept there (pg's named statements); those beyond it are sent unnamed, parsed each time, so
 * that statements whose text varies (an IN list of n values) cannot grow every connection.
 */
const MAX_NAMED_STATEMENTS = 500;

/**
 * The way every query reaches the database.
 *
 * Writes run one at a time per process, in arrival order, each atomic and holding the database's
 * write lock: across processes too, writes commit one after another, which is what hands out
 * event sequences in commit order. A write is answered only once it has committed.
 *
 * Writes commit in groups (group commit), on both databases: the first write opens a
 * transaction, and each write runs in a savepoint of its own inside it, so that a write that
 * fails leaves no trace while those before it stand. The writes that arrive meanwhile join the
 * group, and one COMMIT makes all of them durable at once; only then are they answered and their
 * events published, in commit order. A failed COMMIT fails every write of the group, none of
 * which was answered. COMMIT is most of a write's cost (SQLite's, and PostgreSQL's flush of its
 * WAL), and under load a group holds several writes.
 *
 * On a SQLite file the transaction begins with BEGIN IMMEDIATE, and the COMMIT comes on the event
 * loop's next turn: the writes that arrive while the loop is busy are the group. The statements
 * run directly on the connection TypeORM opened, prepared once. An in-memory database commits
 * each write alone: its reads share the writer's connection and would see an open group.
 *
 * On PostgreSQL the transaction holds a connection of TypeORM's pool, and its first statement
 * locks the event counter row (WRITE_LOCK), which holds the writes of every other
 * instance until the COMMIT. The group commits once no write of this process waits for its turn
 * (a write's statements are round trips, and the writes that arrive during them are the group),
 * or at MAX_GROUP_WRITES. Statements go to the pool's connections directly, named, so that each
 * is prepared once per connection.
 *
 * Reads are plain SQL (`select`), the hot path of the API. On PostgreSQL they go to the pool. On
 * a SQLite file they run synchronously on a read-only connection of their own, with prepared
 * statements kept: in WAL mode it sees only committed data, so reads never wait for writes; the
 * reads of one turn of the event loop share one read transaction (`snapshot`). An
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
  /** PostgreSQL: the open group, and the writes of this process waiting for their turn. */
  private postgresGroup: PostgresGroup | null = null;
  private waitingWrites = 0;
  /** PostgreSQL: TypeORM's pool, which statements go to directly. */
  private readonly pool: Pool | null = null;
  private readonly statementNames = new Map<string, string>();
  readonly dialect: 'sqlite' | 'postgres';
  /** SQLite: the connection TypeORM opened, which writes go through. */
  private readonly writer: BetterSqlite3.Database | null = null;
  /** SQLite file: a read-only connection for reads outside transactions. */
  private readonly reader: BetterSqlite3.Database | null = null;
  /** SQLite file: the reader's BEGIN and COMMIT, and whether its snapshot's end is scheduled. */
  private readonly snapshotBegin: BetterSqlite3.Statement | null = null;
  private readonly snapshotCommit: BetterSqlite3.Statement | null = null;
  private snapshotEndScheduled = false;
  private readonly prepared = new WeakMap<
    BetterSqlite3.Database,
    Map<string, BetterSqlite3.Statement>
  >();
  /** The same, in raw mode: each row an array of values. */
  private readonly preparedForValues = new WeakMap<
    BetterSqlite3.Database,
    Map<string, BetterSqlite3.Statement>
  >();
  private readonly postgresText = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counter: SqlQueryCounter,
  ) {
    this.dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    if (this.dialect === 'postgres') {
      this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    } else {
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
        this.snapshotBegin = this.reader.prepare('BEGIN');
        this.snapshotCommit = this.reader.prepare('COMMIT');
      }
    }
  }

  /** Rows of one SELECT, with `?` placeholders, outside any transaction. */
  readonly select: Select = (sql, params = []) => this.run(sql, params);

  /** Rows of one SELECT as arrays of values (SelectValues), outside any transaction. */
  readonly selectValues: SelectValues = (sql, params = []) => {
    if (this.reader) {
      return Promise.resolve(
        this.statement(this.snapshot(this.reader), sql, { raw: true }).all(
          ...this.parameters(params),
        ) as unknown[][],
      );
    }
    if (this.pool) {
      return this.postgres(this.pool, sql, params, 'array').then(
        (result) => result.rows as unknown as unknown[][],
      );
    }
    return this.run(sql, params).then((rows) => rows.map((row) => Object.values(row)));
  };

  /**
   * A SELECT the server makes on its own, on a timer, for no request: left out of
   * COUNT_SQL_QUERIES, which counts the statements of requests (the benchmarks and specs divide
   * it by requests).
   */
  readonly background: Select = (sql, params = []) => this.run(BACKGROUND + sql, params);

  /**
   * Statements inside one transaction: on SQLite's writer connection, a PostgreSQL group's
   * connection (which hands out the log's sequences), or `em`'s.
   */
  private transaction(scope: object, em?: EntityManager, group?: PostgresGroup): Transaction {
    const writer = this.writer;
    const client = group?.client;
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
      : client
        ? async <T extends Row>(sql: string, params: readonly unknown[] = []) => {
            const result = await this.postgres<T>(client, sql, params);
            return { rows: result.rows, changed: result.rowCount ?? 0 };
          }
        : async <T extends Row>(sql: string, params: readonly unknown[] = []) => {
            const result = await em!.queryRunner!.query(this.toPostgres(sql), [...params], true);
            return { rows: (result.records ?? []) as T[], changed: result.affected ?? 0 };
          };
    const select: Select = async (sql, params = []) => (await execute(sql, params)).rows as never[];
    const sequences = group
      ? (count: number) => {
          group.head += count;
          return group.head - count + 1;
        }
      : undefined;
    return { select, execute, scope, sequences };
  }

  private run<T extends Row>(sql: string, params: readonly unknown[]): Promise<T[]> {
    if (this.reader) {
      return Promise.resolve(
        this.statement(this.snapshot(this.reader), sql).all(...this.parameters(params)) as T[],
      );
    }
    if (this.pool) {
      return this.postgres<T>(this.pool, sql, params).then((result) => result.rows);
    }
    return this.exclusive(() => this.dataSource.query<T[]>(sql, this.parameters(params)));
  }

  /**
   * `reader` inside a read transaction, which every read of this turn of the event loop shares.
   *
   * Outside a transaction each SELECT is a transaction of its own, and in WAL mode beginning and
   * ending one costs system calls: a lock on the file and on a read mark of the WAL index, their
   * release, a stat of the file. On this project's benchmark machine that is about 6 µs, more
   * than a read of one row by its key (README, "Performance"). So the first read begins a
   * transaction, the reads after it share its snapshot, and it ends at the event loop's next
   * check phase (setImmediate), or before this process commits, whichever comes first. A read
   * sees every commit of this process before it, and a commit of another process on the same
   * file once the snapshot has ended: a snapshot begun in a check phase lasts until the next.
   */
  private snapshot(reader: BetterSqlite3.Database): BetterSqlite3.Database {
    if (!reader.inTransaction) {
      this.snapshotBegin!.run();
      if (!this.snapshotEndScheduled) {
        this.snapshotEndScheduled = true;
        setImmediate(() => {
          this.snapshotEndScheduled = false;
          this.endSnapshot();
        });
      }
    }
    return reader;
  }

  /** Ends the reader's snapshot, if it holds one: the next read sees every commit before it. */
  private endSnapshot(): void {
    // A closed connection (the application stopped) is in no transaction.
    if (this.reader?.inTransaction) {
      this.snapshotCommit!.run();
    }
  }

  /**
   * Runs `work` atomically, and resolves once it has committed. `afterCommit` runs once it has
   * committed and before any write after it is answered, so effects of commits (publishing
   * events) happen in commit order.
   */
  write<T>(work: (tx: Transaction) => Promise<T>, afterCommit?: (result: T) => void): Promise<T> {
    const writer = this.writer;
    if (!writer) {
      return this.writeToPostgres(work, afterCommit);
    }
    const done = this.exclusive(async () => {
      const group = this.group ?? this.beginGroup(writer);
      this.statement(writer, 'SAVEPOINT "write"').run();
      try {
        const result = await work(this.transaction(group));
        this.statement(writer, 'RELEASE "write"').run();
        return { committed: joinGroup(group, result, afterCommit) };
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

  /** PostgreSQL's side of `write`: a savepoint in the open group, committed as the class says. */
  private writeToPostgres<T>(
    work: (tx: Transaction) => Promise<T>,
    afterCommit?: (result: T) => void,
  ): Promise<T> {
    this.waitingWrites += 1;
    const done = this.exclusive(async () => {
      this.waitingWrites -= 1;
      const group = this.postgresGroup ?? (await this.beginPostgresGroup());
      const { client } = group;
      let inSavepoint = false;
      const headBefore = group.head;
      try {
        // The write before this one, committed or rolled back to its savepoint, is done with it.
        await this.postgres(
          client,
          group.savepoint ? 'RELEASE SAVEPOINT "write"; SAVEPOINT "write"' : 'SAVEPOINT "write"',
        );
        group.savepoint = inSavepoint = true;
        const result = await work(this.transaction(group, undefined, group));
        return { committed: joinGroup(group, result, afterCommit) };
      } catch (error) {
        try {
          if (!inSavepoint) {
            // This write has no savepoint of its own: rolling back to "write" would undo the
            // write before it, which its group holds as done.
            throw error;
          }
          await this.postgres(client, 'ROLLBACK TO SAVEPOINT "write"');
          group.head = headBefore; // its sequences are given back
        } catch {
          // The transaction is gone (the connection with it): so are the writes before this one.
          this.endPostgresGroup(group, error);
        }
        throw error;
      } finally {
        if (
          this.postgresGroup === group &&
          (this.waitingWrites === 0 || group.members.length >= MAX_GROUP_WRITES)
        ) {
          await this.commitPostgresGroup(group);
        }
      }
    });
    return done.then(({ committed }) => committed);
  }

  /** A transaction on a connection of its own, holding the write lock from its first statement. */
  private async beginPostgresGroup(): Promise<PostgresGroup> {
    const client = await this.pool!.connect();
    // The pool listens for a lost connection only while it is idle: a connection lost while a
    // group holds it would otherwise be an uncaught error. The group's next statement fails.
    const lost = (error: Error) =>
      this.logger.error(`A write's connection was lost: ${error.message}`);
    client.on('error', lost);
    let head: number;
    const release = (error?: Error) => {
      client.removeListener('error', lost);
      client.release(error);
    };
    try {
      // One round trip: a simple query of several statements, whose last result is the lock's.
      const results = (await this.postgres(
        client,
        `BEGIN; ${WRITE_LOCK}`,
      )) as unknown as QueryResult<{ lastSequence: number | string }>[];
      head = Number(results.at(-1)!.rows[0].lastSequence);
    } catch (error) {
      release(error as Error);
      throw error;
    }
    const group: PostgresGroup = {
      client,
      release,
      members: [],
      savepoint: false,
      head,
      lockedHead: head,
    };
    this.postgresGroup = group;
    return group;
  }

  /** Commits `group` (or, holding no write, ends it), then answers its writes in order. */
  private async commitPostgresGroup(group: PostgresGroup): Promise<void> {
    this.postgresGroup = null;
    try {
      await this.postgres(group.client, group.members.length ? commitWithHead(group) : 'ROLLBACK');
    } catch (error) {
      this.endPostgresGroup(group, error);
      return;
    }
    group.release();
    this.answer(group);
  }

  /**
   * Fails every write of `group`, whose transaction failed, and lets its connection go: rolled
   * back if it still answers, otherwise dropped from the pool.
   */
  private endPostgresGroup(group: PostgresGroup, error: unknown): void {
    this.fail(group, error);
    group.client.query('ROLLBACK').then(
      () => group.release(),
      (lost: Error) => group.release(lost),
    );
  }

  /**
   * One statement (`?` placeholders) on PostgreSQL, on `on` (the pool, or a transaction's
   * connection), named while fewer than MAX_NAMED_STATEMENTS have been.
   */
  private postgres<T extends Row>(
    on: Pool | PoolClient,
    sql: string,
    params: readonly unknown[] = [],
    rowMode?: 'array',
  ): Promise<QueryResult<T>> {
    if (this.counter.enabled && !sql.startsWith(BACKGROUND)) {
      this.counter.count += 1;
    }
    const text = this.toPostgres(sql);
    let name = this.statementNames.get(sql);
    if (!name && this.statementNames.size < MAX_NAMED_STATEMENTS && params.length > 0) {
      name = `ratify_${this.statementNames.size + 1}`;
      this.statementNames.set(sql, name);
    }
    const query = { text, values: [...params], name };
    return rowMode
      ? (on.query({ ...query, rowMode }) as unknown as Promise<QueryResult<T>>)
      : on.query<T>(query);
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
    // Reads after the COMMIT, in this turn too, see what it commits.
    this.endSnapshot();
    try {
      this.statement(writer, 'COMMIT').run();
    } catch (error) {
      if (writer.inTransaction) {
        this.statement(writer, 'ROLLBACK').run();
      }
      this.fail(group, error);
      return;
    }
    this.answer(group);
  }

  /** Answers the writes of a committed group, in commit order. */
  private answer(group: WriteGroup): void {
    for (const member of group.members) {
      try {
        member.committed();
      } catch (error) {
        // Committed all the same; subscribers read what they missed from the log.
        this.logger.error('Publishing a committed write failed', error);
      }
    }
  }

  /**
   * The prepared statement for `sql` on `connection`, prepared the first time; with `raw`, one
   * that gives each row as an array of values.
   */
  private statement(
    connection: BetterSqlite3.Database,
    sql: string,
    { raw = false } = {},
  ): BetterSqlite3.Statement {
    // TypeORM's logger counts the statements it sends; these it never sees.
    if (this.counter.enabled && !sql.startsWith(BACKGROUND)) {
      this.counter.count += 1;
    }
    const prepared = raw ? this.preparedForValues : this.prepared;
    let statements = prepared.get(connection);
    if (!statements) {
      statements = new Map();
      prepared.set(connection, statements);
    }
    let statement = statements.get(sql);
    if (!statement) {
      statement = connection.prepare(sql);
      if (raw) {
        statement.raw(true); // only a statement that returns rows has a raw mode
      }
      statements.set(sql, statement);
    }
    return statement;
  }

  /** Fails every write of `group`, whose transaction is gone; the next write opens another. */
  private fail(group: WriteGroup, error: unknown): void {
    if (this.group === group) {
      this.group = null;
    }
    if (this.postgresGroup === group) {
      this.postgresGroup = null;
    }
    group.members.forEach((member) => member.failed(error));
  }

  /** Commits the writes of an open group before the connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    const writer = this.writer;
    if (writer) {
      await this.exclusive(() => Promise.resolve(this.group && this.commit(writer, this.group)));
    } else {
      await this.exclusive(async () => {
        if (this.postgresGroup) await this.commitPostgresGroup(this.postgresGroup);
      });
    }
  }

  onApplicationShutdown(): void {
    this.reader?.close(); // a snapshot still open ends with it
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
 * Makes a write that is done a member of `group`: answered, its `afterCommit` run, only once the
 * group has committed. Returned wrapped by `write`'s turn, so that the next write need not wait
 * for the COMMIT.
 */
function joinGroup<T>(group: WriteGroup, result: T, afterCommit?: (result: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    group.members.push({
      committed: () => {
        afterCommit?.(result);
        resolve(result);
      },
      failed: reject,
    }),
  );
}

/**
 * PostgreSQL's write lock, a transaction's first statement: it updates the one row
 * every writer updates anyway (the event counter) to itself: the row lock holds every other
 * writer, of any instance, until this transaction ends, so writes are serialized and sequences
 * follow commit order.
 */
const WRITE_LOCK =
  'UPDATE "event_counter" SET "lastSequence" = "lastSequence" WHERE "id" = 1 RETURNING "lastSequence"';

/** A group's COMMIT, with the counter row moved to the last sequence it handed out, if any. */
function commitWithHead(group: PostgresGroup): string {
  if (group.head === group.lockedHead) {
    return 'COMMIT';
  }
  if (!Number.isSafeInteger(group.head)) {
    throw new Error(`The event counter is not a whole number: ${group.head}`);
  }
  return `UPDATE "event_counter" SET "lastSequence" = ${group.head} WHERE "id" = 1; COMMIT`;
}

/** Column values as the drivers return them, to the types the entities hold. */
export const columns = {
  /**
   * SQLite returns UTC text ('YYYY-MM-DD HH:MM:SS.SSS'); PostgreSQL, a Date, or inside JSON ISO
   * text with its offset ('YYYY-MM-DDTHH:MM:SS.SSS+00:00').
   */
  date(value: unknown): Date {
    if (value instanceof Date) {
      return value;
    }
    const text = String(value);
    return new Date(text.charAt(10) === 'T' ? text : `${text.replace(' ', 'T')}Z`);
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
