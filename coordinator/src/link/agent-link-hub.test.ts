// The AgentLink hub under a burst of changes: desired state is level-triggered, so however many
// changes arrive at once the agent must end at the host's latest revision with every service.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { credentials, Server, ServerCredentials } from "@grpc/grpc-js";
import { AgentLinkClient, AgentLinkService, type DesiredState } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { ControlPlane } from "../control/control-plane.js";
import { type Store } from "../store/open-store.js";
import { createAccount } from "../store/repositories/accounts.js";
import { getHostRevision } from "../store/repositories/desired-state.js";
import { registerHost } from "../store/repositories/hosts.js";
import { createToken } from "../store/repositories/tokens.js";
import { sampleAccount } from "../store/testing/fixtures.js";
import { testStoreBackends } from "../store/testing/test-stores.js";
import { AgentLinkHub } from "./agent-link-hub.js";
import { until } from "../testing/until.js";

const HOST = "burst-host";


describe("AgentLink hub: bursts of changes", () => {
  let store: Store;
  let hub: AgentLinkHub;
  let server: Server;
  let client: AgentLinkClient;
  let control: ControlPlane;
  const states: DesiredState[] = [];

  before(async () => {
    store = await testStoreBackends.find((backend) => backend.name === "postgres")!.open();
    await createAccount(store.db, sampleAccount("alpha", { uid: 10_001, gid: 10_001 }));
    await registerHost(store.db, { name: HOST, pool: "public" });
    const token = (await createToken(store.db, { scope: "host", subject: HOST })).token;
    hub = new AgentLinkHub({ store, logger: recordingLogger().logger });
    control = new ControlPlane({ store, agents: hub, notifier: hub });
    server = new Server();
    server.addService(AgentLinkService, hub.implementation());
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    client = new AgentLinkClient(`127.0.0.1:${port}`, credentials.createInsecure());
    const call = client.connect();
    call.on("data", (message) => {
      if (message.body?.$case === "desiredState") states.push(message.body.value);
    });
    call.on("error", () => undefined);
    call.write({ body: { $case: "hello", value: { hostName: HOST, token, agentVersion: "hub-test", capacity: undefined, running: [], appliedRevision: 0, firewall: undefined, limits: undefined, network: undefined } } });
    await until("the host to connect", () => (hub.isConnected(HOST) ? true : undefined));
  });
  after(async () => {
    hub.close();
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    await store.close();
  });

  test("40 creates, a batch and updates at once: the agent ends at the latest revision with every service and its latest command", async () => {
    await control.createService({ account: "alpha", spec: { name: "first", command: "exec sleep 1" } });
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => control.createService({ account: "alpha", spec: { name: `svc-${i}`, command: "exec sleep 1" } })),
      control.createServices({ account: "alpha", services: Array.from({ length: 20 }, (_, i) => ({ spec: { name: `batch-${i}`, command: "exec sleep 1" } })) }),
      ...Array.from({ length: 5 }, (_, i) => control.updateService({ account: "alpha", name: "first" }, { command: `exec sleep ${i + 2}` })),
    ]);
    const revision = await getHostRevision(store.db, HOST);
    const latest = await until("the latest revision to reach the agent", () => (states.at(-1)?.revision === revision ? states.at(-1) : undefined));
    assert.equal(latest.services.length, 61);
    const current = await control.getService({ account: "alpha", name: "first" });
    assert.equal(latest.services.find((service) => service.spec?.name === "first")?.spec?.command, current.service.spec.command);
    const revisions = states.map((state) => state.revision);
    assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b), "a state is never followed by an older one");
  });
});
