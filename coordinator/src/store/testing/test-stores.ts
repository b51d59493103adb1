// Test helper: opens a store on each backend so one suite runs on PGlite and on PostgreSQL.
// PostgreSQL gets a fresh database per test; PGlite a fresh in-memory instance per test.
import { PGlite } from "@electric-sql/pglite";
import { migrated, openStore, type Store, storeOnPglite, type StoreBackend } from "../open-store.js";
import { createTestDatabase } from "./test-database.js";

export interface TestStoreOptions {
  readonly poolSize?: number;
  /** Open without applying the migrations (default: migrated). */
  readonly migrate?: boolean;
}

export interface TestStoreBackend {
  readonly name: StoreBackend;
  /** An empty store; `close()` also deletes its database. */
  open(options?: TestStoreOptions): Promise<Store>;
}

/**
 * PGlite spends about two seconds in initdb per instance; each test instead loads a copy of one
 * freshly initialised data directory per test process, which is as fresh and much faster.
 */
let emptyPgliteDataDir: Promise<Blob> | undefined;

async function openPglite(options: TestStoreOptions = {}): Promise<Store> {
  emptyPgliteDataDir ??= (async () => {
    const template = new PGlite();
    try {
      // dumpDataDir before initdb has finished never settles.
      await template.waitReady;
      return await template.dumpDataDir("none");
    } finally {
      await template.close();
    }
  })();
  const client = new PGlite({ loadDataDir: await emptyPgliteDataDir });
  return migrated(storeOnPglite(client), options.migrate !== false);
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
