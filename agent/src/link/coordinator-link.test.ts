// The link against a stub coordinator: a Hello left unanswered is given up after the Welcome timeout
// and redialled; a refused token (UNAUTHENTICATED, PERMISSION_DENIED) stops the link for good, while
// UNAVAILABLE and ALREADY_EXISTS are redialled; with several addresses, a dead first one is passed over
// at once, without backoff.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Server, ServerCredentials, type ServerDuplexStream, status } from "@grpc/grpc-js";
import { AgentLinkService, type AgentMessage, type CoordinatorMessage } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { waitUntil } from "../testing/real-host.js";
import { CoordinatorLink } from "./coordinator-link.js";
import { type LinkSupervisor } from "./link-supervisor.js";

const idleSupervisor = { status: () => Promise.resolve([]), apply: () => Promise.resolve({ errors: [] }) } as unknown as LinkSupervisor;

/** What the stub does with each connection, by connection number (1, 2, ...). */
type Behaviour = (call: ServerDuplexStream<AgentMessage, CoordinatorMessage>, attempt: number) => void;

describe("CoordinatorLink against a stub coordinator", () => {
  let server: Server;
  let address: string;
  let behaviour: Behaviour = () => undefined;
  let attempts = 0;

  before(async () => {
    server = new Server();
    server.addService(AgentLinkService, {
      connect: (call: ServerDuplexStream<AgentMessage, CoordinatorMessage>) => {
        attempts += 1;
        const attempt = attempts;
        call.on("error", () => undefined);
        call.once("data", () => behaviour(call, attempt));
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
    address = `127.0.0.1:${port}`;
  });
  after(() => server.forceShutdown());

  function startLink(log: string[], refusals: string[] = []): CoordinatorLink {
    attempts = 0;
    const link = new CoordinatorLink({
      addresses: [address],
      hostName: "stub-host",
      token: "vigil_stub",
      agentVersion: "test",
      supervisor: idleSupervisor,
      reconnect: { baseMs: 50, maxMs: 100 },
      welcomeTimeoutMs: 300,
      logger: recordingLogger(log).logger,
      onRefused: (message) => refusals.push(message),
    });
    link.start();
    return link;
  }

  const refuseWith = (code: status, details: string): Behaviour => (call) => call.emit("error", Object.assign(new Error(details), { code, details }));

  test("a coordinator that never answers the Hello is given up after the Welcome timeout and redialled", async () => {
    behaviour = () => undefined;
    const log: string[] = [];
    const link = startLink(log);
    await waitUntil(() => (attempts >= 3 ? true : undefined), "three dials", 20_000);
    await link.stop();
    assert.ok(log.some((line) => line.includes("no Welcome within 300 ms; redialling")), log.join("\n"));
  });

  for (const code of [status.UNAUTHENTICATED, status.PERMISSION_DENIED]) {
    test(`${status[code]} stops the link: it is reported once and never redialled`, async () => {
      behaviour = refuseWith(code, "token: not a valid host token for host stub-host");
      const refusals: string[] = [];
      const link = startLink([], refusals);
      await waitUntil(() => (link.state === "refused" ? true : undefined), "the link to be refused", 20_000);
      assert.deepEqual(refusals, [`the coordinator refused this host's token (${status[code]}): token: not a valid host token for host stub-host`]);
      // With a 50-100 ms backoff a redial would have happened many times over by now.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(attempts, 1);
      await link.stop();
    });
  }

  for (const code of [status.UNAVAILABLE, status.ALREADY_EXISTS]) {
    test(`${status[code]} is redialled until the coordinator welcomes the agent`, async () => {
      behaviour = (call, attempt) => {
        if (attempt < 3) refuseWith(code, "try again")(call, attempt);
        else call.write({ body: { $case: "welcome", value: { hostName: "stub-host", heartbeatIntervalMs: 10_000 } } });
      };
      const refusals: string[] = [];
      const link = startLink([], refusals);
      await waitUntil(() => (link.state === "connected" ? true : undefined), "the third dial to be welcomed", 20_000);
      assert.equal(attempts, 3);
      assert.deepEqual(refusals, []);
      await link.stop();
    });
  }

  test("a dead first address is passed over at once: the second one welcomes the agent long before the first backoff step", async () => {
    behaviour = (call) => call.write({ body: { $case: "welcome", value: { hostName: "stub-host", heartbeatIntervalMs: 10_000 } } });
    attempts = 0;
    const log: string[] = [];
    // Port 1 refuses the connection; a backoff would wait 2.5-5 s before the next dial.
    const link = new CoordinatorLink({ addresses: ["127.0.0.1:1", address], hostName: "stub-host", token: "vigil_stub", agentVersion: "test", supervisor: idleSupervisor, reconnect: { baseMs: 5_000, maxMs: 10_000 }, logger: recordingLogger(log).logger });
    const started = performance.now();
    link.start();
    await waitUntil(() => (link.state === "connected" ? true : undefined), "the second address to welcome the agent", 20_000);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2_000, `connected after ${elapsed.toFixed(0)} ms`);
    assert.equal(link.address, address);
    assert.equal(attempts, 1);
    await link.stop();
  });
});
