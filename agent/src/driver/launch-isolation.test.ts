// What a service inherits from the launch and nothing more: no_new_privs (unless the host allows
// setuid programs) and no descriptor above 2, even one the agent itself inherited without close-on-exec.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { createDriverKit, type DriverKit, readOutput } from "./driver-test-kit.js";
import type { LaunchRequest } from "./process-driver.js";
import { pollUntil, signalPid } from "./signal-pids.js";

let user: TestUser;
let kit: DriverKit;
let scratch: string;

before(() => {
  user = createTestUser();
  kit = createDriverKit();
  scratch = mkdtempSync(join(tmpdir(), "vigil-isolation-"));
  chmodSync(scratch, 0o755);
});

after(async () => {
  await kit.cleanup();
  user.remove();
  rmSync(scratch, { recursive: true, force: true });
});

function request(command: string): LaunchRequest {
  return { unit: `${user.name}/iso`, command, cwd: user.home, env: { PATH: "/usr/bin:/bin" }, user: { uid: user.uid, gid: user.gid, name: user.name } };
}

/** Launches `exec sleep`, returns what /proc/<pid>/status says of no_new_privs, then ends it. */
async function noNewPrivsOf(driverKit: DriverKit): Promise<string | undefined> {
  const launched = await driverKit.driver.launch(request("exec sleep 1000"));
  try {
    return /^NoNewPrivs:\s*(\d)$/m.exec(readFileSync(`/proc/${launched.pid}/status`, "utf8"))?.[1];
  } finally {
    await driverKit.driver.killAll(launched.tracking);
    assert.equal(await driverKit.driver.waitEmpty(launched.tracking, 15_000), true);
    await driverKit.driver.release(launched.tracking);
  }
}

/** Runs a setuid-root copy of id(1) as the service and returns the effective uid it printed. */
async function effectiveUidThroughSetuid(driverKit: DriverKit): Promise<string> {
  const suidId = join(scratch, "suid-id");
  copyFileSync("/usr/bin/id", suidId);
  chmodSync(suidId, 0o4755);
  const launched = await driverKit.driver.launch(request(`${suidId} -u`));
  const [output] = await Promise.all([readOutput(launched.output), launched.exited]);
  assert.equal(await driverKit.driver.waitEmpty(launched.tracking, 15_000), true);
  await driverKit.driver.release(launched.tracking);
  return output.trim();
}

void test("a service runs with no_new_privs: NoNewPrivs is 1 and a setuid-root program stays the user", async () => {
  assert.equal(await noNewPrivsOf(kit), "1");
  assert.equal(await effectiveUidThroughSetuid(kit), String(user.uid));
});

void test("a host with allow_setuid leaves setuid programs working (the test above can fail)", async (t) => {
  const permissive = createDriverKit({ allowSetuid: true });
  t.after(() => permissive.cleanup());
  assert.equal(await noNewPrivsOf(permissive), "0");
  assert.equal(await effectiveUidThroughSetuid(permissive), "0");
});

const LAUNCH_ENTRY = fileURLToPath(new URL("../testing/launch-entry.ts", import.meta.url));

function openTargets(pid: number): Map<number, string> {
  const targets = new Map<number, string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      targets.set(Number(fd), readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      // closed while we looked
    }
  }
  return targets;
}

void test("descriptors the agent inherited without close-on-exec are not open in the service", async (t) => {
  const marker = join(scratch, "inherited-descriptor");
  writeFileSync(marker, "");
  const stateDir = mkdtempSync(join(tmpdir(), "vigil-fd-entry-"));
  // The parent leaves fds open without close-on-exec, as a careless init script would. Node marks a
  // few low ones close-on-exec at startup (5 here), not higher ones (40, 200): those reached services.
  const agent = spawn(
    "/bin/bash",
    ["-c", 'exec 5<"$1" 40<"$1" 200<"$1"; shift; exec "$@"', "leaky-parent", marker, process.execPath, "--import", "tsx", LAUNCH_ENTRY, stateDir, JSON.stringify(request("exec sleep 1000"))],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const started: { service?: number } = {};
  t.after(() => {
    // The service has its own process group (cgroupRoot null): end it, then the driver process.
    if (started.service !== undefined) signalPid(-started.service, "SIGKILL");
    if (agent.pid !== undefined) signalPid(agent.pid, "SIGKILL");
    rmSync(stateDir, { recursive: true, force: true });
  });
  const first = await createInterface({ input: agent.stdout })[Symbol.asyncIterator]().next();
  assert.equal(typeof first.value, "string", "the driver process printed the service's pid");
  const servicePid = (JSON.parse(first.value as string) as { pid: number }).pid;
  started.service = servicePid;
  const agentFds = openTargets(agent.pid ?? 0);
  for (const fd of [5, 40, 200]) assert.equal(agentFds.get(fd), marker, `the driver process itself holds the inherited fd ${fd}`);
  // launch returns once the user shell said "ready", just before it execs the command.
  assert.equal(await pollUntil(() => readlinkSync(`/proc/${servicePid}/exe`) === "/usr/bin/sleep", 15_000, 5), true, "the service became sleep");
  const serviceFds = openTargets(servicePid);
  assert.deepEqual([...serviceFds.keys()].sort((a, b) => a - b), [0, 1, 2], `service fds: ${JSON.stringify([...serviceFds])}`);
  assert.equal(serviceFds.get(0), "/dev/null");
});
