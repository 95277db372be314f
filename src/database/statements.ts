import type { Execute } from './database.service.js';

type Row = Record<string, unknown>;

/**
 * INSERT and UPDATE statements written from objects whose keys are column names. Keys come from
 * the code, never from a request; values always go as parameters.
 */

const quoted = (column: string) => `"${column}"`;

/** Inserts rows that all have the same keys. */
export async function insertInto(
  execute: Execute,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const columns = Object.keys(rows[0]);
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  await execute(
    `INSERT INTO ${quoted(table)} (${columns.map(quoted).join(', ')}) VALUES ${rows.map(() => placeholders).join(', ')}`,
    rows.flatMap((row) => columns.map((column) => row[column])),
  );
}

/** Inserts one row and returns it as the database holds it (RETURNING *): its generated key too. */
export async function insertReturning(
  execute: Execute,
  table: string,
  row: Record<string, unknown>,
): Promise<Row> {
  const columns = Object.keys(row);
  const { rows } = await execute(
    `INSERT INTO ${quoted(table)} (${columns.map(quoted).join(', ')})
     VALUES (${columns.map(() => '?').join(', ')}) RETURNING *`,
    Object.values(row),
  );
  return rows[0];
}

function updateStatement(table: string, values: Row, where: Row): string {
  const set = Object.keys(values).map((column) => `${quoted(column)} = ?`);
  const conditions = Object.keys(where).map((column) => `${quoted(column)} = ?`);
  return `UPDATE ${quoted(table)} SET ${set.join(', ')} WHERE ${conditions.join(' AND ')}`;
}

/** Updates the rows matching every `where` column; returns how many it changed. */
export async function update(
  execute: Execute,
  table: string,
  values: Row,
  where: Row,
): Promise<number> {
  const { changed } = await execute(updateStatement(table, values, where), [
    ...Object.values(values),
    ...Object.values(where),
  ]);
  return changed;
}

/**
 * Updates the rows matching every `where` column and returns them as the database now holds
 * them (RETURNING *): what a write answers with, read in the same statement that wrote it.
 */
export async function updateReturning(
  execute: Execute,
  table: string,
  values: Row,
  where: Row,
): Promise<Row[]> {
  const { rows } = await execute(`${updateStatement(table, values, where)} RETURNING *`, [
    ...Object.values(values),
    ...Object.values(where),
  ]);
  return rows;
}
