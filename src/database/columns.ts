import { Column, type ColumnOptions } from 'typeorm';

/**
 * A point in time. TypeORM stores it in UTC on SQLite ('YYYY-MM-DD HH:MM:SS.SSS'); the one place
 * to change when another database needs another column type.
 */
export const DateTimeColumn = (options: ColumnOptions = {}) =>
  Column({ ...options, type: 'datetime' });
