// Builds CHECK constraint expressions from the vocabularies, so the database refuses what the
// TypeScript unions refuse even when a row is written by hand or by an older coordinator.
import { sql, type SQL } from "drizzle-orm";
import { type AnyPgColumn } from "drizzle-orm/pg-core";

/** `column IN ('a', 'b')`; the values are our own constants, quoted for SQL. */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  const list = values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ");
  return sql`${column} in (${sql.raw(list)})`;
}
