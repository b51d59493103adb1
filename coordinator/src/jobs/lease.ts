// A lease for work that must run in one coordinator at a time (liveness, retention): a PostgreSQL
// session-level advisory lock held on a dedicated connection, so it moves when its holder dies.
import type pg from "pg";

export interface Lease {
  /** True while this process holds the lease; tries to take it when it does not. */
  hold(): Promise<boolean>;
  release(): Promise<void>;
}

/** PGlite: one process owns the database, so it always holds the lease. */
export const SOLE_OWNER_LEASE: Lease = { hold: () => Promise.resolve(true), release: () => Promise.resolve() };

export class AdvisoryLockLease implements Lease {
  readonly #pool: pg.Pool;
  readonly #key: bigint;
  #client: pg.PoolClient | undefined;

  constructor(pool: pg.Pool, key: bigint) {
    this.#pool = pool;
    this.#key = key;
  }

  async hold(): Promise<boolean> {
    if (this.#client !== undefined) {
      // The lock lives as long as its session: a session that died took the lock with it.
      try {
        await this.#client.query("select 1");
        return true;
      } catch {
        this.#drop(true);
      }
    }
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch {
      return false;
    }
    try {
      const result = await client.query<{ held: boolean }>("select pg_try_advisory_lock($1) as held", [this.#key.toString()]);
      if (result.rows[0]?.held !== true) {
        client.release();
        return false;
      }
    } catch {
      client.release(true);
      return false;
    }
    client.on("error", () => this.#drop(true));
    this.#client = client;
    return true;
  }

  async release(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    try {
      await client.query("select pg_advisory_unlock($1)", [this.#key.toString()]);
      this.#drop(false);
    } catch {
      this.#drop(true);
    }
  }

  #drop(broken: boolean): void {
    const client = this.#client;
    this.#client = undefined;
    client?.release(broken);
  }
}
