// ControlServices, the Admin API's bulk start/stop/restart: one desired-state push per host for
// stop and start, one command per host for restart, selected by account and name glob.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { type ControlServicesResponse, type ListServicesResponse, ServiceInput } from "@vigil/shared";
import { type AdminTestServer, failure, startAdminTestServer, TEST_HOST } from "./testing/admin-test-server.js";

const batch = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ServiceInput.fromPartial({ name: `${prefix}-${i}`, command: "exec sleep 1000" }));

describe("Admin API ControlServices", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminTestServer();
    await server.client(server.tokens.alpha).call("createServices", { services: [...batch("web", 40), ...batch("job", 5)] });
    await server.client(server.tokens.beta).call("createServices", { services: batch("web", 3) });
  });
  after(() => server.close());
  beforeEach(() => {
    server.agents.pushes.length = 0;
    server.agents.sent.length = 0;
  });
  const alpha = () => server.client(server.tokens.alpha);
  const operator = () => server.client(server.tokens.operator);
  const desired = async (account: string) =>
    Object.fromEntries((await operator().call<ListServicesResponse>("listServices", { account })).services.map((service) => [service.name, service.desiredState]));
  const pushedHosts = () => server.agents.pushes.flat();

  test("stop of every service of an account changes them all in one push to their host; a second stop changes nothing", async () => {
    const stopped = await alpha().call<ControlServicesResponse>("controlServices", { action: "stop" });
    assert.equal(stopped.services.length, 45);
    assert.equal(stopped.changed, 45);
    assert.deepEqual(pushedHosts(), [TEST_HOST]);
    assert.ok(Object.values(await desired("alpha")).every((state) => state === "stopped"));
    assert.ok(Object.values(await desired("beta")).every((state) => state === "running"), "another account's services are untouched");

    server.agents.pushes.length = 0;
    const again = await alpha().call<ControlServicesResponse>("controlServices", { action: "stop" });
    assert.deepEqual([again.services.length, again.changed, pushedHosts()], [45, 0, []]);
    await alpha().call("controlServices", { action: "start" });
  });

  test("a name glob selects by name: job-* starts only the jobs", async () => {
    await alpha().call("controlServices", { action: "stop" });
    const started = await alpha().call<ControlServicesResponse>("controlServices", { nameGlob: "job-*", action: "start" });
    assert.deepEqual(started.services.map((service) => service.name).sort(), ["job-0", "job-1", "job-2", "job-3", "job-4"]);
    const states = await desired("alpha");
    assert.deepEqual([states["job-3"], states["web-7"]], ["running", "stopped"]);
    const one = await alpha().call<ControlServicesResponse>("controlServices", { nameGlob: "web-?", action: "start" });
    assert.equal(one.changed, 10);
    await alpha().call("controlServices", { action: "start" });
  });

  test("an operator leaving the account empty reaches every account", async () => {
    const stopped = await operator().call<ControlServicesResponse>("controlServices", { nameGlob: "web-1", action: "stop" });
    assert.deepEqual(stopped.services.map((service) => `${service.account}/${service.name}`), ["alpha/web-1", "beta/web-1"]);
    await operator().call("controlServices", { nameGlob: "web-1", action: "start" });
  });

  test("restart sends one command per host naming every running service, leaving stopped ones alone", async () => {
    server.agents.connected.add(TEST_HOST);
    try {
      await alpha().call("controlServices", { nameGlob: "job-*", action: "stop" });
      const restarted = await alpha().call<ControlServicesResponse>("controlServices", { action: "restart" });
      assert.deepEqual([restarted.changed, restarted.failures], [40, []]);
      assert.equal(server.agents.sent.length, 1);
      const [command] = server.agents.sent;
      assert.equal(command?.$case, "restartServices");
      assert.equal(command?.$case === "restartServices" && command.value.services.filter((service) => service.name.startsWith("web-")).length, 40);
    } finally {
      server.agents.connected.delete(TEST_HOST);
      await alpha().call("controlServices", { action: "start" });
    }
  });

  test("restart with the host away reports every service as a failure naming the host", async () => {
    const restarted = await alpha().call<ControlServicesResponse>("controlServices", { nameGlob: "job-0", action: "restart" });
    assert.equal(restarted.changed, 0);
    assert.deepEqual(restarted.failures, [{ service: { account: "alpha", name: "job-0" }, error: `restart: host ${TEST_HOST} is not connected` }]);
  });

  test("an unknown action or a glob with other characters is refused naming the field", async () => {
    assert.deepEqual(await failure(alpha().call("controlServices", { action: "reload" })), { code: status.INVALID_ARGUMENT, details: "action: must be one of start, stop, restart" });
    const glob = await failure(alpha().call("controlServices", { nameGlob: "web%", action: "stop" }));
    assert.deepEqual(glob, { code: status.INVALID_ARGUMENT, details: "name_glob: may hold only a-z, 0-9, -, * and ? (at most 200 characters)" });
  });
});
