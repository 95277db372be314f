import type { Execute } from './database.service.js';

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

/** Updates the rows matching every `where` column; returns how many it changed. */
export async function update(
  execute: Execute,
  table: string,
  values: Record<string, unknown>,
  where: Record<string, unknown>,
): Promise<number> {
  const set = Object.keys(values).map((column) => `${quoted(column)} = ?`);
  const conditions = Object.keys(where).map((column) => `${quoted(column)} = ?`);
  const { changed } = await execute(
    `UPDATE ${quoted(table)} SET ${set.join(', ')} WHERE ${conditions.join(' AND ')}`,
    [...Object.values(values), ...Object.values(where)],
  );
  return changed;
}
