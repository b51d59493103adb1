// What really runs on an agent's host, read from the kernel rather than from Vigil: the processes
// of each service's cgroup under the agent's subtree (<root>/<account>/<unit>), and a process's network namespace.
import { readdirSync, readFileSync, readlinkSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cgroupInstanceFor, findCgroup2Mount, listUnitCgroups, unitCgroupPath } from "@vigil/agent";

/** The state directory of each host's agent, told by the cluster that starts it. */
const agentStateDirs = new Map<string, string>();

export function registerAgentStateDir(host: string, stateDir: string): void {
  agentStateDirs.set(host, stateDir);
}

/** The agent's cgroup subtree: `vigil agent` names it after its state directory (cgroupInstanceFor). */
export function agentCgroupRoot(host: string): string {
  const mount = findCgroup2Mount();
  if (mount === null) throw new Error("the system tests need a cgroup v2 mount");
  const stateDir = agentStateDirs.get(host);
  if (stateDir === undefined) throw new Error(`no agent state directory is known for host ${host}`);
  return join(mount, "vigil", cgroupInstanceFor(stateDir));
}

function readPids(path: string): number[] {
  try {
    return readFileSync(join(path, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  } catch (error) {
    // ENODEV: the cgroup is being removed (its processes are gone); a probe reading without pause meets it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENODEV") return [];
    throw error;
  }
}

/** Pids of the service's cgroup on the host's agent. */
export function servicePids(host: string, account: string, name: string): number[] {
  return readPids(unitCgroupPath(agentCgroupRoot(host), `${account}/${name}`));
}

/** "account/name" of every unit cgroup of the host that holds a process. */
export function populatedUnits(host: string): string[] {
  let units: ReturnType<typeof listUnitCgroups>;
  try {
    units = listUnitCgroups(agentCgroupRoot(host));
  } catch (error) {
    // ENODEV: the cgroup is being removed (its processes are gone); a probe reading without pause meets it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENODEV") return [];
    throw error;
  }
  return units
    .filter((unit) => readPids(unit.path).length > 0)
    .map((unit) => decodeURIComponent(unit.name))
    .sort();
}

/** Pids of every process on the machine whose command line is exactly `argv` (a marker no other test uses). */
export function pidsWithCommandLine(argv: readonly string[]): number[] {
  const wanted = `${argv.join("\0")}\0`;
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8") === wanted) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found.sort((a, b) => a - b);
}

/** The inode of the process's network namespace (compare with HostNetwork.inode); undefined if it is gone. */
export function netnsInode(pid: number): number | undefined {
  try {
    const match = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/ns/net`));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends whatever is left in the host's subtree (services orphaned by a failed test) with cgroup.kill
 * and removes the empty cgroups, so nothing the test caused keeps running.
 */
export async function removeAgentCgroups(host: string): Promise<void> {
  const root = agentCgroupRoot(host);
  const units = listUnitCgroups(root).map((unit) => unit.path);
  // Account cgroups, also one whose last unit is gone (units of the flat layout sit right under the root).
  let topLevel: string[] = [];
  try {
    topLevel = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(root, entry.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const accounts = topLevel.filter((dir) => !units.includes(dir));
  for (const unit of units) if (readPids(unit).length > 0) writeFileSync(join(unit, "cgroup.kill"), "1");
  const deadline = Date.now() + 5_000;
  for (const dir of [...units, ...accounts, root]) {
    for (;;) {
      try {
        rmdirSync(dir);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") break;
        if (code !== "EBUSY" || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
