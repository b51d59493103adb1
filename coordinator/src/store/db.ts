// The database handle every repository function takes: the store's database or a transaction
// opened from it, on node-postgres or PGlite alike.
import { type SQL } from "drizzle-orm";
import { type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema.js";

export type StoreSchema = typeof schema;

/**
 * A drizzle handle over the store schema. Inside `store.transaction(fn)` pass the `tx` given
 * to `fn`, never the outer handle: PGlite has a single session and would wait on itself.
 */
export type Db = PgDatabase<PgQueryResultHKT, StoreSchema>;

/**
 * Rows of a raw SQL query. Both drivers answer with an object holding `rows`, but through the
 * driver-neutral handle drizzle can only type the result as unknown.
 */
export async function queryRows<Row>(db: Db, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}
