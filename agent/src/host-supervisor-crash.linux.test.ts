// Real processes: after `kill -9` of the agent and a new start on the same state directory, every
// service runs exactly once (the previous run's processes are found and ended before anything starts).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { DesiredServiceSpec } from "@vigil/shared";
import { createDriverKit, type DriverKit } from "./driver/driver-test-kit.js";
import { freshAccount } from "./logs/log-test-kit.js";
import { createTestUser, type TestUser } from "./system/test-user.js";
import { testSpec } from "./testing/desired-fixtures.js";
import { isAlive } from "./driver/driver-test-kit.js";
import { pidsWithMarker, waitUntil } from "./testing/real-host.js";

const entry = fileURLToPath(new URL("./testing/agent-entry.ts", import.meta.url));

interface AgentReport {
  readonly recovered: Array<{ unit: string; pids: number[] }>;
  readonly errors: unknown[];
  readonly pids: number[];
}

let user: TestUser;
let kit: DriverKit;
const agents: ChildProcess[] = [];
/** What the agents wrote to stderr, shown when an assertion fails. */
let agentErrors = "";

before(() => {
  user = createTestUser();
  kit = createDriverKit();
});

after(async () => {
  for (const agent of agents) if (agent.exitCode === null && agent.signalCode === null) agent.kill("SIGKILL");
  await kit.cleanup();
  user.remove();
});

/** Each service is a shell that forks one child and execs into the main process: two processes. */
function exactlyTwice(mark: string): Promise<boolean> {
  return waitUntil(() => (pidsWithMarker(mark).length === 2 ? true : undefined), `two processes of ${mark}`);
}

async function startAgent(desiredPath: string): Promise<{ agent: ChildProcess; report: AgentReport }> {
  const agent = spawn(process.execPath, ["--import", "tsx", entry, kit.stateDir, kit.driver.cgroupRoot ?? "none", desiredPath], { stdio: ["ignore", "pipe", "pipe"] });
  agents.push(agent);
  agent.stderr!.on("data", (chunk: Buffer) => (agentErrors += String(chunk)));
  const lines = createInterface({ input: agent.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    agent.once("exit", (code) => reject(new Error(`agent exited with ${code} before reporting:\n${agentErrors}`)));
  });
  return { agent, report: JSON.parse(first) as AgentReport };
}

void it("after kill -9 of the agent and a new start, every service runs exactly once", async () => {
  const account = freshAccount(user);
  const markers = [0, 1, 2].map(() => `${randomInt(10_000_000, 99_999_999)}`);
  const desired: DesiredServiceSpec[] = markers.map((mark, i) => ({
    account,
    // A child besides the main process, so the whole tree has to be found, not only the main pid.
    spec: testSpec({ name: `svc-${i}`, command: `sleep ${mark} & exec sleep ${mark}`, stopTimeoutMs: 1_000 }),
    ports: [8300 + i],
    disabledReason: "",
    desiredState: "running",
  }));
  const desiredPath = join(kit.stateDir, "desired.json");
  writeFileSync(desiredPath, JSON.stringify(desired));

  const first = await startAgent(desiredPath);
  assert.deepEqual(first.report.errors, []);
  for (const mark of markers) await exactlyTwice(mark);
  const firstRun = markers.map((mark) => pidsWithMarker(mark));

  first.agent.kill("SIGKILL");
  await new Promise((resolve) => first.agent.once("exit", resolve));
  for (const pids of firstRun) assert.ok(pids.every(isAlive), "services outlive the killed agent");

  const second = await startAgent(desiredPath);
  assert.deepEqual(second.report.recovered.map((unit) => unit.unit).sort(), desired.map((d) => `${account.name}/${d.spec.name}`).sort());
  for (const [i, mark] of markers.entries()) {
    assert.deepEqual(firstRun[i]!.filter(isAlive), [], `the previous run of ${mark} is gone`);
    await exactlyTwice(mark);
  }
  // Settled: nothing of the previous run comes back and no second copy appears.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const [i, mark] of markers.entries()) assert.equal(pidsWithMarker(mark).length, 2, `service ${i} runs exactly once`);
  assert.ok(second.report.pids.every((pid) => !firstRun.flat().includes(pid)));

  second.agent.kill("SIGTERM");
  const code = await new Promise((resolve) => second.agent.once("exit", resolve));
  assert.equal(code, 0, `the agent stopped every service and exited cleanly:\n${agentErrors}`);
  for (const mark of markers) assert.deepEqual(pidsWithMarker(mark).map(describePid), [], agentErrors);
});

function describePid(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const cgroup = readFileSync(`/proc/${pid}/cgroup`, "utf8").trim().split("\n").pop();
    return `${pid} stat=${stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 12)} cgroup=${cgroup} cmd=${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")}`;
  } catch {
    return `${pid} (gone)`;
  }
}
