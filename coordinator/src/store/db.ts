// The database handle every repository function takes: the store's database or a transaction
// opened from it, on node-postgres or PGlite alike.
import { type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema.js";

export type StoreSchema = typeof schema;

/**
 * A drizzle handle over the store schema. Inside `store.transaction(fn)` pass the `tx` given
 * to `fn`, never the outer handle: PGlite has a single session and would wait on itself.
 */
export type Db = PgDatabase<PgQueryResultHKT, StoreSchema>;

/** The error code PostgreSQL reports for a UNIQUE or PRIMARY KEY violation. */
const UNIQUE_VIOLATION = "23505";

/** True when `error` (or the driver error it wraps) is a unique violation of `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const fields = current as Error & { code?: unknown; constraint?: unknown };
    if (fields.code === UNIQUE_VIOLATION && fields.constraint === constraint) return true;
  }
  return false;
}
