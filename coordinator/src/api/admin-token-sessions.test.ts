// Issue 11: a revoked token's open Admin streams (WatchEvents, FollowLogs) end UNAUTHENTICATED within
// a second, and one token may hold only so many streams and calls at once (RESOURCE_EXHAUSTED past them).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ClientReadableStream, status } from "@grpc/grpc-js";
import pg from "pg";
import { ServiceInput } from "@vigil/shared";
import { REVOKED_REASON } from "../sessions/token-sessions.js";
import { openStore } from "../store/open-store.js";
import { createToken } from "../store/repositories/tokens.js";
import { createTestDatabase, type TestDatabase } from "../store/testing/test-database.js";
import { type AdminTestClient, type AdminTestServer, failure, startAdminTestServer, TEST_HOST, withDefaults } from "./testing/admin-test-server.js";

type Ended = { code: status; details: string };

function openStream(client: AdminTestClient, rpc: "watchEvents" | "followLogs", request: object): { stream: ClientReadableStream<unknown>; ended: Promise<Ended> } {
  const open = (client.raw[rpc] as (request: object, metadata: typeof client.metadata) => ClientReadableStream<unknown>).bind(client.raw);
  const stream = open(withDefaults(rpc, request), client.metadata);
  stream.on("data", () => undefined);
  const ended = new Promise<Ended>((resolve) => {
    stream.on("error", (error: Ended) => resolve({ code: error.code, details: error.details }));
    stream.on("end", () => resolve({ code: status.OK, details: "" }));
  });
  return { stream, ended };
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("Admin API: each token's open sessions", () => {
  let server: AdminTestServer;
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase();
    server = await startAdminTestServer({ store: await openStore({ url: database.url }), sessionLimits: { streams: 2, calls: 2 } });
    server.agents.connected.add(TEST_HOST);
    await server.client(server.tokens.alpha).call("createService", { service: ServiceInput.fromPartial({ name: "api", command: "true" }) });
    server.agents.appendLog("alpha", "api", "one");
  });
  after(async () => {
    await server.close();
    await database.drop();
  });

  test("revoking a token ends its WatchEvents and FollowLogs streams UNAUTHENTICATED within a second", async () => {
    const issued = await createToken(server.store.db, { scope: "account", subject: "alpha", description: "to be revoked" });
    const client = server.client(issued.token);
    const watch = openStream(client, "watchEvents", {});
    const follow = openStream(client, "followLogs", { name: "api", lines: 1 });
    await until("both streams to be admitted", () => server.sessions.count(issued.record.id, "stream") === 2);
    const revokedAt = Date.now();
    await server.client(server.tokens.operator).call("revokeToken", { id: issued.record.id });
    const ended = await Promise.all([watch.ended, follow.ended]);
    const elapsed = Date.now() - revokedAt;
    console.log(`streams ended ${elapsed} ms after the revocation`);
    assert.deepEqual(ended, [{ code: status.UNAUTHENTICATED, details: REVOKED_REASON }, { code: status.UNAUTHENTICATED, details: REVOKED_REASON }]);
    // 1 s on an idle machine (checks every 300 ms); the slack is for a loaded CI host.
    assert.ok(elapsed < 2_000, `ended after ${elapsed} ms`);
    assert.equal(server.sessions.count(issued.record.id), 0);
  });

  test("past its stream limit a token is refused RESOURCE_EXHAUSTED; a closed stream frees its slot", async () => {
    const issued = await createToken(server.store.db, { scope: "account", subject: "alpha" });
    const client = server.client(issued.token);
    const first = openStream(client, "watchEvents", {});
    const second = openStream(client, "watchEvents", {});
    await until("two streams to be admitted", () => server.sessions.count(issued.record.id, "stream") === 2);
    const third = openStream(client, "watchEvents", {});
    assert.deepEqual(await third.ended, { code: status.RESOURCE_EXHAUSTED, details: "authorization: this token already has 2 open streams; the limit is 2" });
    // Another token is not affected by this one's streams.
    const other = openStream(server.client(server.tokens.beta), "watchEvents", {});
    first.stream.cancel();
    await until("the cancelled stream's slot to be freed", () => server.sessions.count(issued.record.id, "stream") === 1);
    const fourth = openStream(client, "watchEvents", {});
    await until("the fourth stream to be admitted", () => server.sessions.count(issued.record.id, "stream") === 2);
    for (const open of [second, fourth, other]) open.stream.cancel();
  });

  test("past its limit of calls in flight a token is refused RESOURCE_EXHAUSTED at once", async () => {
    const issued = await createToken(server.store.db, { scope: "account", subject: "alpha" });
    const client = server.client(issued.token);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      // Calls that read services wait on this lock inside their handler, holding their slot.
      await admin.query("begin; lock table services in access exclusive mode");
      const waiting = [client.call("listServices", {}), client.call("listServices", {})];
      await until("two calls in flight", () => server.sessions.count(issued.record.id, "call") === 2);
      assert.deepEqual(await failure(client.call("listServices", {})), { code: status.RESOURCE_EXHAUSTED, details: "authorization: this token already has 2 open calls; the limit is 2" });
      await admin.query("rollback");
      await Promise.all(waiting);
      await client.call("listServices", {});
    } finally {
      await admin.query("rollback").catch(() => undefined);
      await admin.end();
    }
  });
});
