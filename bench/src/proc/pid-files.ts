// The workloads' pid files: how the bench sees, the same way for every supervisor, that a service's
// main process runs (the workload writes its pid at start, atomically by rename).
import { readFileSync } from "node:fs";
import { isAlive } from "./proc-info.js";
import { sleep } from "./wait.js";

/** The pid in the file (its first number), or null when it does not exist yet. */
export function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    return Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** The pid in the file when that process is alive and is not `previous`. */
export function runningPid(file: string, previous: number | null = null): number | null {
  const pid = readPid(file);
  return pid !== null && pid !== previous && isAlive(pid) ? pid : null;
}

/**
 * Waits until every file names a live process; returns the pids in file order and the ms it took.
 * Only files still missing are looked at again, so the bench itself stays cheap while it waits.
 */
export async function waitAllRunning(files: readonly string[], timeoutMs: number, stepMs = 5): Promise<number[]> {
  const pids: Array<number | null> = files.map(() => null);
  let missing = files.map((_, i) => i);
  const deadline = performance.now() + timeoutMs;
  while (missing.length > 0) {
    missing = missing.filter((i) => (pids[i] = runningPid(files[i]!)) === null);
    if (missing.length === 0) break;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${missing.length} of ${files.length} services not running`);
    await sleep(stepMs);
  }
  return pids as number[];
}
