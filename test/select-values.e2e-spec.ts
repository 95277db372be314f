import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig } from '../src/config/config.js';
import { DatabaseModule } from '../src/database/database.module.js';
import { Database } from '../src/database/database.service.js';
import { createTestDatabase, dialect, type TestDatabase } from './support/databases.js';

/**
 * `Database.selectValues` (the lean reads of issue 16) answers what `select` does, as arrays in
 * the order of the columns, on each way a read is run: SQLite's read-only connection (a file),
 * TypeORM's connection (in memory) and the PostgreSQL pool.
 */
describe.each(
  dialect === 'postgres' ? ['the PostgreSQL pool'] : ['a SQLite file', 'SQLite in memory'],
)('Database.selectValues on %s', (where) => {
  let database: TestDatabase | undefined;
  let module: TestingModule;
  let db: Database;

  beforeAll(async () => {
    let url = 'sqlite::memory:';
    if (where !== 'SQLite in memory') {
      database = await createTestDatabase();
      url = database.url;
    }
    module = await Test.createTestingModule({
      imports: [
        DatabaseModule.forRoot(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'fatal' }).database),
      ],
    }).compile();
    await module.init();
    db = module.get(Database);
    for (const [key, value] of [
      ['v1', 'one'],
      ['v2', 'two'],
      ['v3', 'three'],
    ]) {
      await db.write((tx) =>
        tx.execute(`INSERT INTO "ratify_meta" ("key", "value") VALUES (?, ?)`, [key, value]),
      );
    }
  });
  afterAll(async () => {
    await module.close();
    await database?.drop();
  });

  const SQL = `SELECT "value", "key" FROM "ratify_meta" WHERE "key" LIKE ? ORDER BY "key" DESC`;

  it('gives each row as its values, in the order the SELECT names the columns', async () => {
    expect(await db.selectValues(SQL, ['v%'])).toEqual([
      ['three', 'v3'],
      ['two', 'v2'],
      ['one', 'v1'],
    ]);
    expect(await db.selectValues(SQL, ['none%'])).toEqual([]);
  });

  it('leaves `select` of the same statement giving objects', async () => {
    await db.selectValues(SQL, ['v%']);
    expect(await db.select(SQL, ['v1'])).toEqual([{ value: 'one', key: 'v1' }]);
    expect(await db.selectValues(SQL, ['v1'])).toEqual([['one', 'v1']]);
  });
});
