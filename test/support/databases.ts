import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

/**
 * The database the e2e specs run on: SQLite by default; PostgreSQL in the `postgres` jest
 * project, which runs when DATABASE_URL_TEST_PG names a server (see jest.config.js).
 */
export const dialect: 'sqlite' | 'postgres' =
  process.env.RATIFY_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/** A database of its own for one test server: created empty, dropped after. */
export interface TestDatabase {
  /** The DATABASE_URL a server uses. */
  readonly url: string;
  /** Runs SQL behind the server's back (to break things on purpose). */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ratify-test-'));
}

export function createTestDatabase(): Promise<TestDatabase> {
  return dialect === 'postgres'
    ? createPostgresDatabase()
    : Promise.resolve(createSqliteDatabase());
}

function createSqliteDatabase(): TestDatabase {
  const dir = tempDir();
  const file = join(dir, 'ratify.sqlite');
  return {
    url: `sqlite:${file}`,
    exec: (sql) => {
      const db = new BetterSqlite3(file);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
      return Promise.resolve();
    },
    drop: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL_TEST_PG;
  if (!server) {
    throw new Error('The postgres project needs DATABASE_URL_TEST_PG');
  }
  const name = `ratify_test_${randomBytes(6).toString('hex')}`;
  await withClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    exec: async (sql) => {
      await withClient(url.toString(), (client) => client.query(sql));
    },
    drop: async () => {
      await withClient(server, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

export async function withClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Why a PostgreSQL-only spec is skipped here, and the command that runs it. */
export const SKIPPED_BECAUSE =
  dialect === 'postgres'
    ? '(it needs REDIS_URL too: REDIS_URL=redis://127.0.0.1:6379 npm test)'
    : '(it runs in the postgres project: DATABASE_URL_TEST_PG=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm test)';
