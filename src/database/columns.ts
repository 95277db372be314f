import { Column, type ColumnOptions } from 'typeorm';

/**
 * A point in time. Each driver maps `Date` to its own type and converts it (SQLite stores UTC
 * text; the PostgreSQL migrations declare timestamptz).
 */
export const DateTimeColumn = (options: ColumnOptions = {}) => Column({ ...options, type: Date });
