// Issue 11 on AgentLink: a NUL in any string of an agent's Hello (or of a later message bound for the
// store or the log) ends the stream INVALID_ARGUMENT naming the field; nothing reaches SQL.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { credentials, Server, ServerCredentials, type ServiceError, status } from "@grpc/grpc-js";
import { AgentLinkClient, AgentLinkService, type AgentMessage, Hello } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { loadProtoDescriptors } from "../api/testing/proto-string-fields.js";
import { type Store } from "../store/open-store.js";
import { registerHost } from "../store/repositories/hosts.js";
import { createToken } from "../store/repositories/tokens.js";
import { testStoreBackends } from "../store/testing/test-stores.js";
import { AgentLinkHub } from "./agent-link-hub.js";

const HOST = "nul-host";

describe("AgentLink: strings PostgreSQL cannot store", () => {
  let store: Store;
  let hub: AgentLinkHub;
  let server: Server;
  let client: AgentLinkClient;
  let token: string;
  const log: string[] = [];

  before(async () => {
    store = await testStoreBackends.find((backend) => backend.name === "postgres")!.open();
    await registerHost(store.db, { name: HOST, pool: "public" });
    token = (await createToken(store.db, { scope: "host", subject: HOST })).token;
    hub = new AgentLinkHub({ store, logger: recordingLogger(log).logger });
    server = new Server();
    server.addService(AgentLinkService, hub.implementation());
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    client = new AgentLinkClient(`127.0.0.1:${port}`, credentials.createInsecure());
  });
  after(async () => {
    hub.close();
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    await store.close();
  });

  /** Sends `messages` on one stream; resolves with how the coordinator ended it. */
  function ending(messages: readonly AgentMessage[]): Promise<{ code: status; details: string }> {
    const call = client.connect();
    return new Promise((resolve) => {
      call.on("data", () => undefined);
      call.on("error", (error: ServiceError) => resolve({ code: error.code, details: error.details }));
      for (const message of messages) call.write(message);
    });
  }

  const hello = (partial: object = {}): AgentMessage => ({ body: { $case: "hello", value: Hello.fromPartial({ hostName: HOST, token, agentVersion: "test", ...partial }) } });

  const locations = loadProtoDescriptors().stringLocations(".vigil.v1.Hello");
  test("the enumeration finds Hello's strings, nested ones included", () => {
    assert.ok(locations.some((location) => location.field === "running[0].service.name"), locations.map((location) => location.field).join(", "));
  });

  for (const location of locations) {
    test(`a NUL in hello.${location.field} ends the stream INVALID_ARGUMENT naming it`, async () => {
      const partial = location.partial("a\0b");
      assert.deepEqual(await ending([hello(partial)]), { code: status.INVALID_ARGUMENT, details: `hello.${location.field}: must not contain NUL characters` });
      assert.equal(hub.isConnected(HOST), false);
    });
  }

  test("a NUL in a later state acknowledgement ends the session the same way", async () => {
    const ack: AgentMessage = { body: { $case: "stateAck", value: { revision: 1, errors: [{ service: { account: "a", name: "b" }, message: "bad\0" }] } } };
    assert.deepEqual(await ending([hello(), ack]), { code: status.INVALID_ARGUMENT, details: "state_ack.errors[0].message: must not contain NUL characters" });
    assert.ok(!log.some((line) => line.includes("Failed query")), log.join("\n"));
  });
});
