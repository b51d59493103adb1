// The cgroup v2 operations behind a launch's tracking: create, list, kill, watch, remove.
// Only the core interface files are used (cgroup.procs, cgroup.events, cgroup.kill): no controllers needed.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signalPid, signalPids } from "./signal-pids.js";

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

export function createCgroup(path: string): void {
  mkdirSync(path, { recursive: true });
}

/** Pids in the cgroup; [] when it does not exist (already removed, or never created). */
export function cgroupPids(path: string): number[] {
  try {
    return readFileSync(join(path, "cgroup.procs"), "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map(Number);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return [];
    throw error;
  }
}

/** cgroup.events "populated" counts live processes of the cgroup and its children; zombies do not count. */
export function cgroupPopulated(path: string): boolean {
  try {
    return /^populated 1$/m.test(readFileSync(join(path, "cgroup.events"), "utf8"));
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}

/** Listing rounds after which signalCgroup gives up on a tree that keeps forking. */
const SIGNAL_ROUNDS = 20;

/**
 * Sends the signal to every process of the cgroup. One read of cgroup.procs is not enough: a
 * process that forks between the read and its own signal leaves a child nobody signalled (seen
 * with `sh -c 'a & (b &); c'` under load). So it reads again and signals the newcomers until a
 * read finds none; the kernel makes a signalled parent's pending fork fail or hand the signal on.
 */
export function signalCgroup(path: string, signal: NodeJS.Signals): void {
  const signalled = new Set<number>();
  for (let round = 0; round < SIGNAL_ROUNDS; round += 1) {
    const newcomers = cgroupPids(path).filter((pid) => !signalled.has(pid));
    if (newcomers.length === 0) return;
    for (const pid of newcomers) {
      signalled.add(pid);
      signalPid(pid, signal);
    }
  }
}

/** SIGKILLs every process at once with cgroup.kill (Linux 5.14+), so nothing can fork away mid-kill. */
export function killCgroup(path: string): void {
  try {
    writeFileSync(join(path, "cgroup.kill"), "1");
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
    // Older kernels have no cgroup.kill: kill what is listed; callers repeat until waitEmpty holds.
    signalPids(cgroupPids(path), "SIGKILL");
  }
}

/** Removes an empty cgroup; a cgroup that still holds processes is an error the caller must see. */
export function removeCgroup(path: string): void {
  try {
    rmdirSync(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return;
    if (code === "EBUSY") throw new Error(`cgroup ${path} still holds processes (${cgroupPids(path).join(", ")}); end them before releasing it`);
    throw error;
  }
}
