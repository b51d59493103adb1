// startAgent builds its driver and service logs from the host configuration: a small log_rotation
// rotates a real service's log; minimum_uid and allow_setuid decide whom and how services run as.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type AccountRuntime, busNames, compileHostConfig, type EventPublisher } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import type { SupervisionEvent } from "../events/service-event.js";
import { FakeProcessDriver } from "../driver/fake-process-driver.js";
import { freshAccount, servicesDir } from "../logs/log-test-kit.js";
import { systemClock } from "../runtime/clock.js";
import { findCgroup2Mount } from "../system/cgroup-mount.js";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { testSpec } from "../testing/desired-fixtures.js";
import { waitUntil } from "../testing/real-host.js";
import { startAgent } from "./start-agent.js";

/** Accepts every status event: this test is about what happens on the host. */
const acceptingPublisher: EventPublisher = { publish: () => Promise.resolve(), close: () => Promise.resolve() };

void test("a host config's log_rotation (4 KiB, keep 2) rotates a service's log through startAgent", async (t) => {
  const user = createTestUser();
  const stateDir = mkdtempSync(join(tmpdir(), "vigil-start-agent-"));
  const compiled = compileHostConfig({ state_dir: stateDir, stop_timeout_ms: 1_000, log_rotation: { max_bytes: 4_096, keep_files: 2 } });
  assert.ok(compiled.ok);
  const instance = `test-${process.pid}-rotation`;
  const logLines: string[] = [];
  const agent = await startAgent({
    // Nothing listens on port 1: the link keeps redialling while the test drives supervision directly.
    coordinators: ["127.0.0.1:1"],
    hostName: "rotation-host",
    token: "unused",
    hostConfig: compiled.value,
    publisher: acceptingPublisher,
    busNames: busNames("rotation-test"),
    cgroupInstance: instance,
    reconnect: { baseMs: 1_000, maxMs: 5_000 },
    logger: recordingLogger(logLines).logger,
  });
  // after hooks run in the order they were added: stop the services before removing their user.
  t.after(async () => {
    await agent.close({ drainMs: 0 });
    const mount = findCgroup2Mount();
    const subtreeLeft = mount !== null && existsSync(join(mount, "vigil", instance));
    rmSync(stateDir, { recursive: true, force: true });
    user.remove();
    assert.equal(subtreeLeft, false, "close removes the agent's emptied cgroup subtree");
  });

  const account = freshAccount(user);
  // 400 lines of ~33 bytes: about 13 KiB, three rotations at 4 KiB, none at the 10 MiB default.
  const command = 'i=0; while [ $i -lt 400 ]; do echo "line $i of a chatty service"; i=$((i+1)); done; exec sleep 1000';
  const { errors } = await agent.supervisor.apply([{ account, spec: testSpec({ name: "chatty", command, stopTimeoutMs: 1_000 }), ports: [8300], disabledReason: "", desiredState: "running" }]);
  assert.deepEqual(errors, []);

  const dir = servicesDir(account);
  const generations = (): string[] => ["chatty.log.2", "chatty.log.1", "chatty.log"].map((name) => readFileSync(join(dir, name), "utf8"));
  const text = await waitUntil(() => {
    if (!existsSync(join(dir, "chatty.log.2"))) return undefined;
    const joined = generations().join("");
    return joined.includes("line 399 of a chatty service") ? joined : undefined;
  }, "the log to rotate twice and hold the last line", 30_000);

  assert.equal(existsSync(join(dir, "chatty.log.3")), false, "keep_files 2 keeps two old generations");
  for (const name of ["chatty.log.1", "chatty.log.2"]) {
    // Rotation comes before the whole line that would not fit: a full generation is max_bytes less under one line.
    const size = readFileSync(join(dir, name)).length;
    assert.ok(size <= 4_096 && size > 4_096 - 100, `${name} holds ${size} bytes: rotated at max_bytes`);
  }
  // Whatever the generations hold is the tail of the output, in order, with no line lost between files.
  const numbers = [...text.matchAll(/^line (\d+) of a chatty service$/gm)].map((match) => Number(match[1]));
  assert.ok(numbers.length > 100);
  assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => 400 - numbers.length + i));
});

void test("a host config's minimum_uid and allow_setuid reach the driver through startAgent", async (t) => {
  const [low, high] = [createTestUser(), createTestUser()].sort((a, b) => a.uid - b.uid) as [TestUser, TestUser];
  const stateDir = mkdtempSync(join(tmpdir(), "vigil-start-agent-"));
  const compiled = compileHostConfig({ state_dir: stateDir, stop_timeout_ms: 1_000, minimum_uid: high.uid, allow_setuid: true });
  assert.ok(compiled.ok);
  const agent = await startAgent({
    coordinators: ["127.0.0.1:1"],
    hostName: "privileges-host",
    token: "unused",
    hostConfig: compiled.value,
    publisher: acceptingPublisher,
    busNames: busNames("privileges-test"),
    cgroupInstance: `test-${process.pid}-privileges`,
    reconnect: { baseMs: 1_000, maxMs: 5_000 },
    logger: recordingLogger().logger,
  });
  t.after(async () => {
    await agent.close({ drainMs: 0 });
    rmSync(stateDir, { recursive: true, force: true });
    low.remove();
    high.remove();
  });
  const events: SupervisionEvent[] = [];
  agent.supervisor.onEvent((event) => events.push(event));
  const desired = (account: AccountRuntime, name: string) => ({ account, spec: testSpec({ name, command: "exec sleep 1000", stopTimeoutMs: 1_000 }), ports: [8300], disabledReason: "", desiredState: "running" as const });
  const [lowAccount, highAccount] = [freshAccount(low), freshAccount(high)];
  await agent.supervisor.apply([desired(lowAccount, "below"), desired(highAccount, "allowed")]);

  const refused = await waitUntil(() => events.find((event) => event.service === "below" && event.kind === "start-failed"), "the low uid's start to fail");
  assert.equal(refused.reason, "user-refused");
  assert.match(refused.message, new RegExp(`uid ${low.uid}\\) is refused: this host runs services only as uids from ${high.uid} up`));
  const running = await waitUntil(async () => (await agent.supervisor.status()).find((status) => status.service === "allowed" && status.mainPid !== null), "the allowed service to run");
  const status = readFileSync(`/proc/${running.mainPid}/status`, "utf8");
  assert.match(status, /^NoNewPrivs:\s*0$/m, "allow_setuid: true leaves no_new_privs off");
  assert.match(status, new RegExp(`^Uid:\\s+${high.uid}\\s`, "m"));
});

void test("an agent whose supervision cannot start rejects and leaves nothing reporting the host", async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), "vigil-start-agent-fail-"));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const compiled = compileHostConfig({ state_dir: stateDir });
  assert.ok(compiled.ok);
  const published: string[] = [];
  const recording: EventPublisher = { publish: (subject) => (published.push(subject), Promise.resolve()), close: () => Promise.resolve() };
  const driver = Object.assign(new FakeProcessDriver(systemClock), { findLeftovers: () => Promise.reject(new Error("leftover recovery failed: EIO")) });
  await assert.rejects(
    startAgent({ coordinators: ["127.0.0.1:1"], hostName: "failing-host", token: "unused", hostConfig: compiled.value, publisher: recording, busNames: busNames("fail-test"), driver, heartbeatIntervalMs: 50, metricsIntervalMs: 50 }),
    /leftover recovery failed: EIO/,
  );
  // Heartbeats every 50 ms would have published by now had the reporter been left running.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(published, []);
});
