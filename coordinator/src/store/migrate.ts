// Applies the committed drizzle-kit migrations (coordinator/drizzle) at start-up under a
// PostgreSQL advisory lock, so coordinators starting together apply each migration once.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { sql } from "drizzle-orm";
import { type PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePgliteDb } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import { migrate as migratePostgresDb } from "drizzle-orm/node-postgres/migrator";
import { type Pool } from "pg";

// Found through the package, not this file's URL: in the CLI's bundle this code lives elsewhere.
const migrationsFolder = join(dirname(createRequire(import.meta.url).resolve("@vigil/coordinator/package.json")), "drizzle");

/** Arbitrary but fixed: every coordinator of one database must agree on it ("vigil" + 1). */
const MIGRATION_LOCK_KEY = 0x76696769_6c01n;
const lock = sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
const unlock = sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;

/**
 * The lock is held by a session, so migrations and unlock must run on the connection that
 * took it: one client is checked out of the pool for the whole run.
 */
export async function migratePostgres(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    const db = drizzlePostgres(client);
    await db.execute(lock);
    await unlockedAfter(db, () => migratePostgresDb(db, { migrationsFolder }));
  } finally {
    client.release();
  }
}

/** Migration runs per PGlite instance, chained so that each waits for the previous one. */
const pgliteRuns = new WeakMap<PGlite, Promise<void>>();

/**
 * PGlite has one session, and advisory locks are re-entrant within a session: two runs in
 * this process would both hold it. They are queued here; the lock still guards other processes.
 */
export async function migratePglite(client: PGlite): Promise<void> {
  const run = (pgliteRuns.get(client) ?? Promise.resolve()).catch(() => undefined).then(() => migratePgliteLocked(client));
  pgliteRuns.set(client, run);
  return run;
}

async function migratePgliteLocked(client: PGlite): Promise<void> {
  const db = drizzlePglite(client);
  await db.execute(lock);
  await unlockedAfter(db, () => migratePgliteDb(db, { migrationsFolder }));
}

/**
 * Runs the migrations, then releases the lock. When they fail, their error is the one thrown:
 * an unlock on a lost connection fails too and would otherwise hide why.
 */
async function unlockedAfter(db: { execute(query: typeof unlock): Promise<unknown> }, migrations: () => Promise<void>): Promise<void> {
  try {
    await migrations();
  } catch (error) {
    await db.execute(unlock).catch(() => undefined);
    throw error;
  }
  await db.execute(unlock);
}
