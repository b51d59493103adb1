// Singleton jobs on real PostgreSQL: of two coordinators on one database only the lease holder runs
// them; when the holder's session dies the other takes over. Retention deletes in bounded batches.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { openStore, type Store } from "../store/open-store.js";
import { listEvents, recordServiceEvent } from "../store/repositories/events.js";
import { createTestDatabase, type TestDatabase } from "../store/testing/test-database.js";
import { pruneOldEvents } from "./event-retention.js";
import { SINGLETON_JOBS_LEASE_KEY, SingletonJobs } from "./singleton-jobs.js";
import { recordingLogger } from "@vigil/shared/logging";

describe("singleton jobs under a lease (PostgreSQL)", () => {
  let database: TestDatabase;
  let a: Store;
  let b: Store;
  before(async () => {
    database = await createTestDatabase();
    a = await openStore({ url: database.url });
    b = await openStore({ url: database.url });
  });
  after(async () => {
    await a.close().catch(() => undefined);
    await b.close().catch(() => undefined);
    await database.drop();
  });

  it("runs the jobs in one replica only, and in the other once the holder's session dies", async () => {
    const runs = { a: 0, b: 0 };
    const jobsA = new SingletonJobs({ lease: a.lease(SINGLETON_JOBS_LEASE_KEY), logger: recordingLogger().logger, jobs: [{ name: "count", intervalMs: 0, run: async () => void runs.a++ }] });
    const jobsB = new SingletonJobs({ lease: b.lease(SINGLETON_JOBS_LEASE_KEY), logger: recordingLogger().logger, jobs: [{ name: "count", intervalMs: 0, run: async () => void runs.b++ }] });
    for (let i = 0; i < 3; i += 1) {
      await jobsA.tick();
      await jobsB.tick();
    }
    assert.deepEqual(runs, { a: 3, b: 0 });
    assert.equal(jobsA.leader, true);
    assert.equal(jobsB.leader, false);

    // The holder's database session dies (a crashed replica): its advisory lock goes with it.
    // Only this test's database: other tests running in parallel hold advisory locks too.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query("select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid() and database = (select oid from pg_database where datname = current_database())");
    await admin.end();
    await jobsB.tick();
    assert.equal(jobsB.leader, true, "the other replica took the lease");
    assert.equal(runs.b, 1);
    await jobsA.tick();
    assert.equal(jobsA.leader, false, "the old holder knows it lost the lease");
    assert.equal(runs.a, 3);
    await jobsA.stop();
    await jobsB.stop();
  });

  it("retention deletes events older than the age in batches and keeps the younger ones", async () => {
    const now = Date.now();
    const day = 86_400_000;
    for (let i = 0; i < 25; i += 1) {
      await recordServiceEvent(a.db, { id: `old-${i}`, host: "h", account: "acme", service: "web", kind: "started", state: "running", at: new Date(now - 40 * day - i), sequence: i });
    }
    await recordServiceEvent(a.db, { id: "young", host: "h", account: "acme", service: "web", kind: "started", state: "running", at: new Date(now - day), sequence: 99 });
    const deleted = await pruneOldEvents({ store: a, maxAgeMs: 30 * day, batch: 10, now: () => now });
    assert.equal(deleted, 25);
    const left = await listEvents(a.db, { account: "acme" });
    assert.deepEqual(left.map((event) => event.id), ["young"]);
  });
});
