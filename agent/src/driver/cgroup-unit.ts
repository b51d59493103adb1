// The cgroup v2 operations behind a launch's tracking: create, list, kill, watch, remove.
// Only the core interface files are used (cgroup.procs, cgroup.events, cgroup.kill): no controllers needed.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signalPids } from "./signal-pids.js";

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
