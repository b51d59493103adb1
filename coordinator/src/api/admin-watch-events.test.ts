// WatchEvents with the shared arrivals poller: each stream receives the events its filter selects,
// in order, once and nothing else, with several streams of different accounts open at once.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ClientReadableStream } from "@grpc/grpc-js";
import { type ServiceEvent } from "@vigil/shared";
import { recordServiceEvent } from "../store/repositories/events.js";
import { type AdminTestServer, startAdminTestServer, TEST_HOST, withDefaults } from "./testing/admin-test-server.js";

function watch(server: AdminTestServer, token: string, sinceMs: number): { stream: ClientReadableStream<ServiceEvent>; seen: string[] } {
  const client = server.client(token);
  const stream = (client.raw.watchEvents as (request: object, metadata: typeof client.metadata) => ClientReadableStream<ServiceEvent>).call(client.raw, withDefaults("watchEvents", { sinceMs }), client.metadata);
  const seen: string[] = [];
  stream.on("data", (event: ServiceEvent) => seen.push(`${event.service?.account}/${event.service?.name}`));
  stream.on("error", () => undefined);
  return { stream, seen };
}

describe("WatchEvents", () => {
  let server: AdminTestServer;
  before(async () => (server = await startAdminTestServer({ backend: "postgres" })));
  after(async () => server.close());

  test("each of several watchers receives the new events of its own account, in order", async () => {
    // since_ms: whichever of stored-then-replayed or arrived-while-watching an event is, it is sent once.
    const since = Date.now() - 1_000;
    const watchers = [watch(server, server.tokens.alpha, since), watch(server, server.tokens.alpha, since), watch(server, server.tokens.beta, since)];
    let n = 0;
    const record = (account: string, service: string) =>
      recordServiceEvent(server.store.db, { id: `watch-${n++}-${Date.now()}`, host: TEST_HOST, account, service, kind: "started", state: "running", at: new Date() });
    for (const [account, service] of [["alpha", "a1"], ["beta", "b1"], ["alpha", "a2"], ["beta", "b2"], ["alpha", "a3"]] as const) {
      await record(account, service);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const deadline = Date.now() + 20_000;
    while (watchers.some((watcher, i) => watcher.seen.length < (i < 2 ? 3 : 2)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(watchers[0]!.seen, ["alpha/a1", "alpha/a2", "alpha/a3"]);
    assert.deepEqual(watchers[1]!.seen, ["alpha/a1", "alpha/a2", "alpha/a3"]);
    assert.deepEqual(watchers[2]!.seen, ["beta/b1", "beta/b2"]);
    for (const watcher of watchers) watcher.stream.cancel();
  });
});
