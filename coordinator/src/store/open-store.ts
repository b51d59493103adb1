// Opens the coordinator's database from a URL: PostgreSQL through node-postgres, or PGlite in a
// directory or in memory for the embedded mode; runs the migrations before handing it out.
import { PGlite } from "@electric-sql/pglite";
import { InvalidInputError } from "@vigil/shared";
import { type Logger } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/node-postgres";
import pg from "pg";
import { type Db } from "./db.js";
import { migratePglite, migratePostgres } from "./migrate.js";
import * as schema from "./schema.js";
import { AdvisoryLockLease, type Lease, SOLE_OWNER_LEASE } from "../jobs/lease.js";
import { type ListenForEvents, listenOnPglite, listenOnPostgres, type Unlisten } from "./event-notifications.js";

/**
 * The embedded database is small and has one client: 16 MB of shared buffers instead of 128 MB
 * halves the coordinator's resident memory under `vigil up` (measured: ~300 -> ~170 MB).
 */
export const PGLITE_SETTINGS = ["shared_buffers=16MB"];

export const STORE_BACKENDS = ["postgres", "pglite"] as const;
export type StoreBackend = (typeof STORE_BACKENDS)[number];

export interface StoreOptions {
  /** `postgres://…` / `postgresql://…`, `pglite:memory`, or `pglite:<directory>`. */
  readonly url: string;
  /** Connections in the node-postgres pool (default 10); ignored for PGlite. */
  readonly poolSize?: number;
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean;
  /** Told every statement drizzle sends (tests count statements with it). */
  readonly logger?: Logger;
  /** Giving up on dialling PostgreSQL; default 5 s. A call waits for a busy pool up to this plus the statement timeout. */
  readonly connectTimeoutMs?: number;
  /** PostgreSQL's statement_timeout for every connection; default 30 s. */
  readonly statementTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export interface Store {
  readonly backend: StoreBackend;
  /** For single statements; pass the `tx` of `transaction` inside a transaction. */
  readonly db: Db;
  /** Runs `fn` in one transaction: everything it wrote is rolled back if it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Applies pending migrations; a no-op when there are none. */
  migrate(): Promise<void>;
  /** A lease for singleton work among coordinators sharing this database (see jobs/lease.ts). */
  lease(key: bigint): Lease;
  /** Told after each commit that stored events, by any coordinator (see event-notifications.ts); close() stops it. */
  listenForEvents: ListenForEvents;
  close(): Promise<void>;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  return migrated(openBackend(options), options.migrate !== false);
}

/** Runs the migrations unless told not to; closes the store if they fail. */
export async function migrated(store: Store, migrate = true): Promise<Store> {
  if (migrate) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}

function openBackend({ url, poolSize, logger, connectTimeoutMs, statementTimeoutMs }: StoreOptions): Store {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const connectTimeout = connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const statementTimeout = statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    // pg-pool uses one timeout for dialling and for waiting on a busy pool: a burst of calls would
    // fail after 5 s of queueing. So the pool waits up to connect + statement timeout for a client,
    // and each client gives up dialling after the connect timeout on its own.
    class TimedClient extends pg.Client {
      constructor(config?: pg.ClientConfig) {
        super({ ...config, connectionTimeoutMillis: connectTimeout });
      }
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize ?? 10,
      Client: TimedClient,
      connectionTimeoutMillis: connectTimeout + statementTimeout,
      statement_timeout: statementTimeout,
      // TCP keepalive notices a server that vanished (power loss, cut network) on an idle connection.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // An idle client whose server connection died is dropped by the pool; without a listener
    // the 'error' event would crash the process instead.
    pool.on("error", (error) => process.emitWarning(`vigil store: idle PostgreSQL connection failed: ${error.message}`));
    const db: Db = drizzlePostgres(pool, { schema, ...(logger && { logger }) });
    const listen = listenOnPostgres({ connectionString: url, connectionTimeoutMillis: connectTimeout, keepAlive: true });
    return makeStore("postgres", db, () => migratePostgres(pool), () => pool.end(), (key) => new AdvisoryLockLease(pool, key), listen);
  }
  if (url.startsWith("pglite:")) {
    const location = url.slice("pglite:".length);
    if (location === "") throw new InvalidInputError([{ field: "url", rule: "pglite: needs a directory or `memory`" }]);
    return storeOnPglite(location === "memory" ? new PGlite() : new PGlite(location, { postgresqlconf: PGLITE_SETTINGS }), logger);
  }
  throw new InvalidInputError([{ field: "url", rule: "must start with postgres://, postgresql:// or pglite:" }]);
}

/** A store over a PGlite instance the caller created (e.g. from a data-directory snapshot). */
export function storeOnPglite(client: PGlite, logger?: Logger): Store {
  const db: Db = drizzlePglite(client, { schema, ...(logger && { logger }) });
  // One process owns a PGlite database: it holds every lease.
  return makeStore("pglite", db, () => migratePglite(client), () => client.close(), () => SOLE_OWNER_LEASE, listenOnPglite(client));
}

function makeStore(backend: StoreBackend, db: Db, migrate: () => Promise<void>, close: () => Promise<void>, lease: (key: bigint) => Lease, listen: ListenForEvents): Store {
  const listening = new Set<Unlisten>();
  return {
    backend,
    db,
    transaction: (fn) => db.transaction(fn),
    migrate,
    lease,
    listenForEvents: async (notify) => {
      const unlisten = await listen(notify);
      const once: Unlisten = async () => {
        if (listening.delete(once)) await unlisten();
      };
      listening.add(once);
      return once;
    },
    close: async () => {
      await Promise.all([...listening].map((unlisten) => unlisten()));
      await close();
    },
  };
}
