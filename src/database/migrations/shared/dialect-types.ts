/** The column types that differ between the two dialects. */
export interface DialectTypes {
  /** A point in time: `datetime` (UTC text) on SQLite, `timestamptz` on PostgreSQL. */
  readonly instant: string;
  /** A floating-point number. */
  readonly real: string;
  /** An integer key the database numbers itself, in insertion order, never reused. */
  readonly serialKey: string;
}

export const SQLITE_TYPES: DialectTypes = {
  instant: 'datetime',
  real: 'real',
  serialKey: 'integer PRIMARY KEY AUTOINCREMENT',
};
export const POSTGRES_TYPES: DialectTypes = {
  instant: 'timestamptz',
  real: 'double precision',
  serialKey: 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
};
