// Real processes under a HostSupervisor in this host's limit mode (v1 here): a changed account limit
// in the desired state is written into the account cgroup of the running services, with no restart.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type DesiredServiceSpec, NO_LIMITS, type ResourceLimits } from "@vigil/shared";
import { QUICK_CONFIG, type RealHost, realHost } from "../testing/real-host.js";

const MIB = 1024 * 1024;
let real: RealHost;
before(async () => (real = await realHost(QUICK_CONFIG)));
after(() => real.cleanup());

function withAccountLimits(desired: DesiredServiceSpec, limits: Partial<ResourceLimits>): DesiredServiceSpec {
  return { ...desired, account: { ...desired.account, limits: { ...NO_LIMITS, ...limits } } };
}

/** The v1 memory cgroup the process sits in (from /proc/<pid>/cgroup), under the memory hierarchy. */
function memoryCgroupOf(pid: number): string {
  const mode = real.kit.driver.limitsMode;
  assert.equal(mode.mode, "cgroup-v1", mode.detail);
  const relative = /^\d+:memory:(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, "utf8"))?.[1];
  assert.ok(relative !== undefined, `process ${pid} is in no memory cgroup`);
  return join(mode.mode === "cgroup-v1" ? mode.hierarchies.memory : "", relative);
}

void describe("account limits applied live", () => {
  void it("raising and lowering an account's memory maximum rewrites its account cgroup; both services keep their pid", async () => {
    const services = (limits: Partial<ResourceLimits>): DesiredServiceSpec[] =>
      ["web", "worker"].map((name) => withAccountLimits(real.desired({ name, command: "exec sleep 600" }), limits));
    await real.host.apply(services({ memoryMaxBytes: 256 * MIB }));
    const [web, worker] = await Promise.all(["web", "worker"].map((name) => real.waitForStatus(name, (s) => s.state === "running", "running")));
    const pids = [web?.mainPid, worker?.mainPid];
    const account = dirname(memoryCgroupOf(web!.mainPid!));
    assert.equal(dirname(memoryCgroupOf(worker!.mainPid!)), account, "the two services are not under one account cgroup");
    const accountMax = (): number => Number(readFileSync(join(account, "memory.limit_in_bytes"), "utf8"));
    assert.equal(accountMax(), 256 * MIB);

    await real.host.apply(services({ memoryMaxBytes: 512 * MIB }));
    const raised = accountMax();
    await real.host.apply(services({ memoryMaxBytes: 128 * MIB }));
    const lowered = accountMax();
    const after = await Promise.all(["web", "worker"].map((name) => real.status(name)));
    console.log(`account memory maximum 256 MiB -> ${raised / MIB} MiB -> ${lowered / MIB} MiB in ${account}/memory.limit_in_bytes; pids ${pids.join(", ")} -> ${after.map((s) => s.mainPid).join(", ")}`);
    assert.equal(raised, 512 * MIB);
    assert.equal(lowered, 128 * MIB);
    assert.deepEqual(after.map((s) => [s.state, s.mainPid]), pids.map((pid) => ["running", pid]));
    assert.equal(real.events.filter((event) => event.kind === "started").length, 2, "a service was restarted");
    await real.host.apply([]);
  });
});
