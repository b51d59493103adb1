// Issue 12: when PostgreSQL is unreachable, cut off, or too slow, Admin calls answer UNAVAILABLE
// "database unavailable: ..." (retryable, saying what is wrong), never INTERNAL "internal error".
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { sql } from "drizzle-orm";
import pg from "pg";
import { ServiceInput } from "@vigil/shared";
import { toControlError } from "../control/control-errors.js";
import { openStore } from "../store/open-store.js";
import { PostgresOutageProxy } from "../store/testing/postgres-outage-proxy.js";
import { createTestDatabase, type TestDatabase } from "../store/testing/test-database.js";
import { toApiStatus } from "./api-error.js";
import { type AdminTestServer, failure, startAdminTestServer } from "./testing/admin-test-server.js";

describe("Admin API while PostgreSQL is unavailable", () => {
  let database: TestDatabase;
  let proxy: PostgresOutageProxy;
  let server: AdminTestServer;

  before(async () => {
    database = await createTestDatabase();
    proxy = await PostgresOutageProxy.start(database.url);
    const store = await openStore({ url: proxy.url, connectTimeoutMs: 1_000, statementTimeoutMs: 1_500, poolSize: 4 });
    server = await startAdminTestServer({ store });
  });
  after(async () => {
    await server.close();
    await proxy.close();
    await database.drop();
  });

  test("with the database cut off, calls of every kind answer UNAVAILABLE and recover when it is back", async () => {
    const alpha = server.client(server.tokens.alpha);
    const operator = server.client(server.tokens.operator);
    proxy.cut();
    try {
      for (const call of [alpha.call("getAccount", {}), alpha.call("listServices", {}), alpha.call("createService", { service: ServiceInput.fromPartial({ name: "api", command: "true" }) }), operator.call("listHosts", {})]) {
        assert.deepEqual(await failure(call), { code: status.UNAVAILABLE, details: "database unavailable: the connection to PostgreSQL was lost" });
      }
    } finally {
      proxy.restore();
    }
    await alpha.call("getAccount", {});
  });

  test("a call whose connection is terminated by the server (pg_terminate_backend) answers UNAVAILABLE", async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      // Hold a lock every call needs (token lookup), so the call waits inside PostgreSQL.
      await admin.query("begin; lock table api_tokens in access exclusive mode");
      const pending = failure(server.client(server.tokens.alpha).call("getAccount", {}));
      const deadline = Date.now() + 20_000;
      let terminated = 0;
      while (terminated === 0 && Date.now() < deadline) {
        const result = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'");
        terminated = result.rowCount ?? 0;
        if (terminated === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(terminated, 1, "the call's backend was found waiting on the lock");
      assert.deepEqual(await pending, { code: status.UNAVAILABLE, details: "database unavailable: the connection to PostgreSQL was lost" });
    } finally {
      await admin.query("rollback").catch(() => undefined);
      await admin.end();
    }
  });

  test("a statement that runs past the statement timeout answers UNAVAILABLE saying so", async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query("begin; lock table api_tokens in access exclusive mode");
      const started = Date.now();
      assert.deepEqual(await failure(server.client(server.tokens.alpha).call("getAccount", {})), { code: status.UNAVAILABLE, details: "database unavailable: a statement timed out" });
      assert.ok(Date.now() - started < 15_000, `answered after ${Date.now() - started} ms`);
    } finally {
      await admin.query("rollback").catch(() => undefined);
      await admin.end();
    }
  });

  test("a store opened on a port nobody listens on fails calls with UNAVAILABLE: cannot connect", async () => {
    const closed = await PostgresOutageProxy.start(database.url);
    const url = closed.url;
    await closed.close();
    const store = await openStore({ url, migrate: false, connectTimeoutMs: 1_000 });
    try {
      const error: unknown = await store.db.execute(sql`select 1`).then(
        () => assert.fail("the query succeeded"),
        (caught: unknown) => caught,
      );
      assert.deepEqual(toApiStatus(error), { code: status.UNAVAILABLE, details: "database unavailable: cannot connect to PostgreSQL" });
      assert.equal(toControlError(error).code, "unavailable");
    } finally {
      await store.close();
    }
  });
});
