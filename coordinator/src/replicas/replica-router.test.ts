// Two coordinator replicas on one PostgreSQL and one NATS: an agent connected to replica A is
// reached through replica B (commands and their results), a change made on B reaches the agent at
// once (not at the next resync), and a host no replica holds is UNAVAILABLE at once.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { credentials } from "@grpc/grpc-js";
import { AgentLinkClient, type AgentMessage, type Command, type DesiredState, InProcessBus, ProcessList } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { type ControlError } from "../control/control-errors.js";
import { type RunningCoordinator, startCoordinator } from "../runtime/start-coordinator.js";
import { type Store } from "../store/open-store.js";
import { createAccount } from "../store/repositories/accounts.js";
import { registerHost, upsertHostOnHello } from "../store/repositories/hosts.js";
import { createToken } from "../store/repositories/tokens.js";
import { sampleAccount } from "../store/testing/fixtures.js";
import { testStoreBackends } from "../store/testing/test-stores.js";
import { NatsReplicaChannel } from "./nats-replica-channel.js";
import { until } from "../testing/until.js";

const HOST = "replica-host";
const NATS = "nats://127.0.0.1:4222";


describe("coordinator replicas", () => {
  const prefix = `rr${randomBytes(4).toString("hex")}`;
  let store: Store;
  let a: RunningCoordinator;
  let b: RunningCoordinator;
  let client: AgentLinkClient;
  const commands: Command[] = [];
  const states: DesiredState[] = [];

  const replica = async () =>
    startCoordinator({
      store,
      events: new InProcessBus(),
      listen: "127.0.0.1:0",
      replicas: await NatsReplicaChannel.open({ servers: NATS, prefix, logger: recordingLogger().logger }),
      // A change must reach the agent through the announcement, not through this (1 min) resync.
      resyncIntervalMs: 60_000,
      commandTimeoutMs: 5_000,
      logger: recordingLogger().logger,
    });

  before(async () => {
    store = await testStoreBackends.find((backend) => backend.name === "postgres")!.open();
    await createAccount(store.db, sampleAccount("alpha", { uid: 10_001, gid: 10_001 }));
    await registerHost(store.db, { name: HOST, pool: "public" });
    const token = (await createToken(store.db, { scope: "host", subject: HOST })).token;
    a = await replica();
    b = await replica();
    // A stand-in agent on replica A: records what it is sent and answers every command.
    client = new AgentLinkClient(a.address, credentials.createInsecure());
    const call = client.connect();
    call.on("data", (message) => {
      const body = message.body;
      if (body?.$case === "desiredState") states.push(body.value);
      if (body?.$case !== "command") return;
      commands.push(body.value);
      const answer: AgentMessage["body"] =
        body.value.action?.$case === "listProcesses"
          ? { $case: "commandResult", value: { requestId: body.value.requestId, ok: true, errorCode: "", errorMessage: "", result: { $case: "processes", value: ProcessList.fromPartial({ processes: [{ pid: 4242, ppid: 1 }] }) } } }
          : { $case: "commandResult", value: { requestId: body.value.requestId, ok: true, errorCode: "", errorMessage: "", result: undefined } };
      call.write({ body: answer });
    });
    call.on("error", () => undefined);
    call.write({ body: { $case: "hello", value: { hostName: HOST, token, agentVersion: "replica-test", capacity: undefined, running: [], appliedRevision: 0, firewall: undefined, limits: undefined, network: undefined } } });
    await until("the host to connect to replica A", () => (a.link.isConnected(HOST) ? true : undefined));
    await a.control.createService({ account: "alpha", spec: { name: "web", command: "exec sleep 1000" } });
  });
  after(async () => {
    client.close();
    await a.close();
    await b.close();
    await store.close();
  });

  test("a restart and a process list issued on replica B reach the agent connected to replica A", async () => {
    assert.equal(b.link.isConnected(HOST), false, "the session is on A only");
    await b.control.restartService({ account: "alpha", name: "web" });
    assert.ok(commands.some((command) => command.action?.$case === "restart" && command.action.value.service?.name === "web"));
    const processes = await b.control.listProcesses({ account: "alpha", name: "web" });
    assert.deepEqual(processes.map((process) => process.pid), [4242]);
  });

  test("a change made on replica B reaches the agent on replica A without waiting for a resync", async () => {
    const view = await b.control.updateService({ account: "alpha", name: "web" }, { annotation: "from B" });
    const state = await until("the new desired state on the agent", () => states.find((candidate) => candidate.revision >= view.service.revision), 20_000);
    assert.equal(state.services.find((service) => service.spec?.name === "web")?.spec?.annotation, "from B");
  });

  test("a host that no replica holds is UNAVAILABLE at once", async () => {
    await createAccount(store.db, sampleAccount("beta", { uid: 10_002, gid: 10_002 }));
    // Up (as if its agent had just been heard from) and empty, so a new account lands on it; no replica holds its session.
    await upsertHostOnHello(store.db, { name: "nobody-holds-me", agentVersion: "gone", capacity: 0, now: new Date() });
    const created = await b.control.createService({ account: "beta", spec: { name: "lonely", command: "exec sleep 1000" } });
    if (created.service.host === HOST) return assert.fail("placement chose the connected host; the test needs the other");
    const started = Date.now();
    await assert.rejects(b.control.restartService({ account: "beta", name: "lonely" }), (error: ControlError) => error.code === "unavailable" && /restart: host nobody-holds-me is not connected/.test(error.message));
    assert.ok(Date.now() - started < 3_000, "no waiting for a timeout");
  });
});
