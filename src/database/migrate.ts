import { DataSource, type DataSourceOptions } from 'typeorm';

/** Any constant number: the advisory lock that instances starting together take in turn. */
const MIGRATION_LOCK = 7_240_301;

/**
 * Opens the database and brings its schema up to date. On PostgreSQL the migrations run under an
 * advisory lock, so that several instances starting at once migrate one after another rather
 * than all trying to create the same tables.
 */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations({ transaction: 'each' });
    return dataSource;
  }
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
  return dataSource;
}
