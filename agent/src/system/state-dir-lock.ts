// One daemon per state directory: an exclusive lock file holding the owner's pid and start time,
// so a second `vigil up` or `vigil agent` on the same directory refuses instead of fighting the first.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { readProcStat } from "./proc-files.js";

export const STATE_LOCK_FILE = "vigil.lock";

export interface StateDirLock {
  readonly path: string;
  release(): void;
}

export interface LockHolder {
  readonly pid: number;
  readonly startTicks: number;
  readonly command: string;
}

export class StateDirLocked extends Error {
  constructor(
    readonly stateDir: string,
    readonly holder: LockHolder,
  ) {
    super(`state directory ${stateDir} is in use by ${holder.command} (pid ${holder.pid}); stop it first or choose another --state-dir`);
    this.name = "StateDirLocked";
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== "number" || typeof value.startTicks !== "number") return null;
    return { pid: value.pid, startTicks: value.startTicks, command: typeof value.command === "string" ? value.command : "vigil" };
  } catch {
    return null;
  }
}

/** The live process holding the lock in `stateDir`, or null when nobody does (no file, or its owner is gone). */
export function lockHolder(stateDir: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(join(stateDir, STATE_LOCK_FILE), "utf8");
  } catch {
    return null;
  }
  const holder = parseHolder(text);
  // A half-written file belongs to an owner that is creating it right now: treat it as held.
  if (holder === null) return { pid: 0, startTicks: 0, command: "another vigil process" };
  // pid reuse: the same pid with another start time is a different process.
  return readProcStat(holder.pid)?.startTicks === holder.startTicks ? holder : null;
}

/**
 * Takes the lock or throws StateDirLocked naming the holder. A lock left by a process that died
 * (kill -9) is taken over; O_EXCL decides between two processes that both found it stale.
 */
export function lockStateDir(stateDir: string, command: string): StateDirLock {
  const path = join(stateDir, STATE_LOCK_FILE);
  const self = readProcStat(process.pid);
  const record = JSON.stringify({ pid: process.pid, startTicks: self?.startTicks ?? 0, command });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = lockHolder(stateDir);
      if (holder !== null) throw new StateDirLocked(stateDir, holder);
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed the stale file first; O_EXCL decides on the next attempt.
      }
      continue;
    }
    try {
      writeSync(fd, record);
    } finally {
      closeSync(fd);
    }
    return {
      path,
      release: () => {
        if (parseHolder(readFileSafe(path))?.pid === process.pid) unlinkSync(path);
      },
    };
  }
  const holder = lockHolder(stateDir);
  throw new StateDirLocked(stateDir, holder ?? { pid: 0, startTicks: 0, command: "another vigil process" });
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
