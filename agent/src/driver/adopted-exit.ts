// Notices the exit of a process the agent did not start in this run (adopted from a previous run):
// it is not the agent's child, so no exit status reaches the agent; one timer polls all of them.
import { readProcStat } from "../system/proc-files.js";
import type { ExitStatus } from "./process-driver.js";

/** kill(pid, 0) every tick (a syscall, no file read); the start time and zombie state every few ticks. */
const FULL_CHECK_EVERY = 4;

interface Watched {
  readonly startTicks: number;
  readonly resolve: (exit: ExitStatus) => void;
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else (cannot happen as root, kept for a non-root agent).
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Same process (not a reused pid) and not a zombie waiting for a parent that does not reap. */
function stillRuns(pid: number, startTicks: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.startTicks === startTicks && stat.state !== "Z";
}

export class AdoptedExitWatcher {
  private readonly watched = new Map<number, Watched>();
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;

  constructor(private readonly intervalMs: number) {}

  /** Resolves (status unknown) once the process is gone; at once when it already is. */
  exited(pid: number, startTicks: number): Promise<ExitStatus> {
    if (!stillRuns(pid, startTicks)) return Promise.resolve(unknownExit("exited-while-down"));
    return new Promise((resolve) => {
      this.watched.set(pid, { startTicks, resolve });
      this.timer ??= setInterval(() => this.check(), this.intervalMs).unref();
    });
  }

  private check(): void {
    this.ticks += 1;
    const full = this.ticks % FULL_CHECK_EVERY === 0;
    for (const [pid, watched] of this.watched) {
      if (exists(pid) && (!full || stillRuns(pid, watched.startTicks))) continue;
      this.watched.delete(pid);
      watched.resolve(unknownExit("not-a-child"));
    }
    if (this.watched.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

function unknownExit(unknown: NonNullable<ExitStatus["unknown"]>): ExitStatus {
  return { code: null, signal: null, at: Date.now(), unknown };
}
