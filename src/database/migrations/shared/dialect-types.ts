/** The column types that differ between the two dialects. */
export interface DialectTypes {
  /** A point in time: `datetime` (UTC text) on SQLite, `timestamptz` on PostgreSQL. */
  readonly instant: string;
  /** A floating-point number. */
  readonly real: string;
}

export const SQLITE_TYPES: DialectTypes = { instant: 'datetime', real: 'real' };
export const POSTGRES_TYPES: DialectTypes = { instant: 'timestamptz', real: 'double precision' };
