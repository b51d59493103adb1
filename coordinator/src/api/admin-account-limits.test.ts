// An account's limits change after creation (UpdateAccount, PATCH /v1/accounts/:name): only the
// limits given change, each is checked against the account ceiling its pool's hosts report, and the
// hosts running its services get a new desired state carrying them at once.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { type Account, type Host, ServiceInput } from "@vigil/shared";
import { desiredStateMessage } from "../link/desired-state-message.js";
import { getHostDesiredState } from "../store/repositories/desired-state.js";
import { getHost, upsertHostOnHello } from "../store/repositories/hosts.js";
import { type AdminTestServer, failure, startAdminTestServer, TEST_HOST } from "./testing/admin-test-server.js";

const MIB = 1024 * 1024;

describe("Admin account limits", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminTestServer();
    // The public pool's config caps an account at 1 GiB and 2000 tasks.
    await upsertHostOnHello(server.store.db, { name: TEST_HOST, agentVersion: "test", capacity: 100, now: new Date(), accountCeiling: { memoryMaxBytes: 1024 * MIB, memoryHighBytes: null, tasksMax: 2000, cpuWeight: null, cpuMaxCores: null } });
    await server.client(server.tokens.operator).call("createService", { account: "alpha", service: ServiceInput.fromPartial({ name: "web", command: "sleep 1000" }) });
  });
  after(() => server.close());
  const operator = () => server.client(server.tokens.operator);

  test("raising and lowering an account's limits stores them and pushes a new desired state with them to its host", async () => {
    const revision = (await getHost(server.store.db, TEST_HOST)).revision;
    const pushes = server.agents.pushes.length;
    const raised = await operator().call<Account>("updateAccount", { name: "alpha", limits: { memoryMaxBytes: 512 * MIB, tasksMax: 1000 } });
    assert.deepEqual([raised.limits?.memoryMaxBytes, raised.limits?.tasksMax], [512 * MIB, 1000]);
    assert.ok((await getHost(server.store.db, TEST_HOST)).revision > revision, "the host's revision did not grow");
    assert.deepEqual(server.agents.pushes.slice(pushes), [[TEST_HOST]]);
    const pushed = desiredStateMessage(await getHostDesiredState(server.store.db, TEST_HOST));
    assert.equal(pushed.services[0]?.account?.limits?.memoryMaxBytes, 512 * MIB);

    const lowered = await operator().call<Account>("updateAccount", { name: "alpha", limits: { memoryMaxBytes: 256 * MIB }, removeLimits: ["tasks_max"] });
    assert.deepEqual([lowered.limits?.memoryMaxBytes, lowered.limits?.tasksMax], [256 * MIB, undefined]);
    assert.deepEqual((await operator().call<Account>("getAccount", { name: "alpha" })).limits?.memoryMaxBytes, 256 * MIB);
  });

  test("a limit past the pool's account ceiling, a bad value or an unknown removal is refused naming the field, and nothing changes", async () => {
    const before = await operator().call<Account>("getAccount", { name: "alpha" });
    const over = await failure(operator().call("updateAccount", { name: "alpha", limits: { memoryMaxBytes: 2048 * MIB, tasksMax: 2500 } }));
    assert.equal(over.code, status.INVALID_ARGUMENT);
    assert.equal(
      over.details,
      `limits.memory_max: must be at most ${1024 * MIB}: the account ceiling of the public pool (reported by host ${TEST_HOST}); ` +
        `limits.tasks_max: must be at most 2000: the account ceiling of the public pool (reported by host ${TEST_HOST})`,
    );
    const bad = await failure(operator().call("updateAccount", { name: "alpha", limits: { tasksMax: 1 }, removeLimits: ["swap"] }));
    assert.match(bad.details, /remove_limits: "swap" is not a limit; limits are memory_max, memory_high, tasks_max, cpu_weight, cpu_max/);
    assert.match(bad.details, /limits\.tasks_max: must be an integer from 2 to 4194304/);
    const empty = await failure(operator().call("updateAccount", { name: "alpha" }));
    assert.equal(empty.details, "limits: give at least one limit to change or remove");
    assert.deepEqual((await operator().call<Account>("getAccount", { name: "alpha" })).limits, before.limits);
  });

  test("host show carries the account ceiling its agent reported", async () => {
    const host = await operator().call<Host>("getHost", { name: TEST_HOST });
    assert.deepEqual([host.accountCeiling?.memoryMaxBytes, host.accountCeiling?.tasksMax, host.accountCeiling?.cpuMaxCores], [1024 * MIB, 2000, undefined]);
  });

  test("an account is created only within the ceiling; only operators change limits; an unknown account is not found", async () => {
    const created = await failure(operator().call("createAccount", { account: { ...(await operator().call<Account>("getAccount", { name: "beta" })), name: "gamma", unixUser: "gamma", uid: 10_003, gid: 10_003, limits: { tasksMax: 5000 } } }));
    assert.equal(created.details, `account.limits.tasks_max: must be at most 2000: the account ceiling of the public pool (reported by host ${TEST_HOST})`);
    const own = await failure(server.client(server.tokens.alpha).call("updateAccount", { name: "alpha", limits: { tasksMax: 100 } }));
    assert.equal(own.code, status.PERMISSION_DENIED);
    assert.equal((await failure(operator().call("updateAccount", { name: "nobody", limits: { tasksMax: 100 } }))).code, status.NOT_FOUND);
  });

  test("over HTTP: PATCH /v1/accounts/:name changes the limits given", async () => {
    const response = await fetch(`${server.httpUrl}/v1/accounts/beta`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${server.tokens.operator}`, "content-type": "application/json" },
      body: JSON.stringify({ limits: { memory_max_bytes: 300 * MIB } }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as { limits: { memory_max_bytes: number } };
    assert.equal(body.limits.memory_max_bytes, 300 * MIB);
  });
});
