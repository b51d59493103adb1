// Test support only: a LinuxProcessDriver with its own cgroup subtree and state directory per test,
// and a cleanup that ends by cgroup or process group whatever the test started.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { readProcStat } from "../system/proc-files.js";
import { cgroupPopulated, killCgroup } from "./cgroup-unit.js";
import { LinuxProcessDriver } from "./linux-process-driver.js";
import type { LinuxProcessDriverOptions } from "./driver-options.js";
import type { LaunchRequest } from "./process-driver.js";
import { pollUntil, signalPid } from "./signal-pids.js";

export interface DriverKit {
  readonly driver: LinuxProcessDriver;
  readonly stateDir: string;
  /** Another driver on the same state and cgroup subtree: the "next agent run". */
  reopen(): LinuxProcessDriver;
  /** Process groups a test started without cgroups, ended by cleanup(). */
  trackGroup(pgid: number): void;
  cleanup(): Promise<void>;
}

let counter = 0;

export function createDriverKit(options: Partial<LinuxProcessDriverOptions> = {}): DriverKit {
  const stateDir = mkdtempSync(join(tmpdir(), "vigil-driver-"));
  const instance = `test-${process.pid}-${(counter += 1)}`;
  const driverOptions: LinuxProcessDriverOptions = { stateDir, instance, ...options };
  const driver = new LinuxProcessDriver(driverOptions);
  const groups = new Set<number>();
  return {
    driver,
    stateDir,
    reopen: () => new LinuxProcessDriver(driverOptions),
    trackGroup: (pgid) => groups.add(pgid),
    async cleanup() {
      for (const pgid of groups) signalPid(-pgid, "SIGKILL");
      const root = driver.cgroupRoot;
      if (root !== null) {
        // Account cgroups (and units of the flat layout a test made): cgroup.kill ends the whole subtree.
        for (const entry of readdirSync(root, { withFileTypes: true })) {
          if (!entry.isDirectory()) continue;
          const path = join(root, entry.name);
          killCgroup(path);
          await pollUntil(() => !cgroupPopulated(path), 15_000, 10);
          removeTree(path);
        }
        rmdirSync(root);
      }
      removeLimitTrees(driver, instance);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Removes an empty cgroup and its empty children, deepest first. */
function removeTree(path: string): void {
  if (!existsSync(path)) return;
  for (const entry of readdirSync(path, { withFileTypes: true })) if (entry.isDirectory()) removeTree(join(path, entry.name));
  rmdirSync(path);
}

/** The v1 limit cgroups of the test's instance; their processes ended with the tracking cgroups. */
function removeLimitTrees(driver: LinuxProcessDriver, instance: string): void {
  const mode = driver.limitsMode;
  if (mode.mode !== "cgroup-v1") return;
  for (const hierarchy of [...Object.values(mode.hierarchies), ...(mode.cpuacct === null ? [] : [mode.cpuacct])]) removeTree(join(hierarchy, "vigil", instance));
}

/** A launch of a shell command as the agent's own user in the temporary directory. */
export function shellRequest(unit: string, command: string): LaunchRequest {
  return { unit, command, cwd: tmpdir(), env: { PATH: "/usr/bin:/bin" }, user: null, specHash: `hash-of-${unit}` };
}

/** Orphans are re-parented to a pid 1 that may never reap them: a zombie holds nothing and counts as gone. */
export function isAlive(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== "Z";
}

/**
 * Whether the process ignores the signal (SigIgn of /proc/<pid>/status). A test that signals a
 * shell running `trap "" TERM` waits for this first: launch returns before the shell ran the trap.
 */
export function ignoresSignal(pid: number, signalNumber: number): boolean {
  try {
    const mask = /^SigIgn:\s+([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return mask !== undefined && ((BigInt(`0x${mask}`) >> BigInt(signalNumber - 1)) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** Everything a stream produces until it ends, as text. */
export async function readOutput(output: Readable): Promise<string> {
  let text = "";
  for await (const chunk of output) text += String(chunk);
  return text;
}
