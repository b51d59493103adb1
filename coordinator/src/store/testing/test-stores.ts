// Test helper: opens a store on each backend so one suite runs on PGlite and on PostgreSQL.
// PostgreSQL gets a fresh database per test; PGlite a freshly emptied in-memory instance.
import { PGlite } from "@electric-sql/pglite";
import { type Logger } from "drizzle-orm";
import { openStore, type Store, storeOnPglite, type StoreBackend } from "../open-store.js";
import { createTestDatabase } from "./test-database.js";

export interface TestStoreOptions {
  readonly poolSize?: number;
  /** Open without applying the migrations (default: migrated). */
  readonly migrate?: boolean;
  /** Told every statement the store sends. */
  readonly logger?: Logger;
}

export interface TestStoreBackend {
  readonly name: StoreBackend;
  /** An empty store; `close()` also deletes its database. */
  open(options?: TestStoreOptions): Promise<Store>;
}

/**
 * PGlite spends seconds in initdb per instance, so each test process keeps one instance and
 * gives every test an empty one by recreating its schemas. Tests take turns on it: `open`
 * waits until the previous test store is closed.
 */
let sharedPglite: Promise<PGlite> | undefined;
let pgliteTurn: Promise<void> = Promise.resolve();

async function openPglite(options: TestStoreOptions = {}): Promise<Store> {
  const previous = pgliteTurn;
  let release = () => {};
  pgliteTurn = new Promise((resolve) => (release = resolve));
  await previous;
  try {
    sharedPglite ??= PGlite.create();
    const client = await sharedPglite;
    await client.exec("drop schema if exists drizzle cascade; drop schema public cascade; create schema public;");
    const store = storeOnPglite(client, options.logger);
    if (options.migrate !== false) await store.migrate();
    return { ...store, close: async () => release() };
  } catch (error) {
    release();
    throw error;
  }
}

async function openPostgres(options: TestStoreOptions = {}): Promise<Store> {
  const database = await createTestDatabase();
  try {
    const store = await openStore({ url: database.url, ...options });
    return { ...store, close: () => store.close().finally(() => database.drop()) };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

export const testStoreBackends: readonly TestStoreBackend[] = [
  { name: "pglite", open: openPglite },
  { name: "postgres", open: openPostgres },
];

/** Runs `fn` with a fresh store of `backend`, closing (and dropping) it afterwards. */
export async function withTestStore<T>(backend: TestStoreBackend, fn: (store: Store) => Promise<T>, options?: TestStoreOptions): Promise<T> {
  const store = await backend.open(options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
