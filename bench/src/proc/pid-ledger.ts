// Every process the bench saw (daemons, services, grandchildren), so that after each supervisor's
// turn it can assert that nothing is left and end, by pid, whatever is.
import { isAlive, startTicks } from "./proc-info.js";
import { sleep } from "./wait.js";

interface Seen {
  readonly what: string;
  /** A pid reused by someone else's process must never be reported, let alone killed. */
  readonly startTicks: number;
}

export interface Survivor {
  readonly pid: number;
  readonly what: string;
}

export class PidLedger {
  private readonly seen = new Map<number, Seen>();

  record(pid: number, what: string): void {
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || this.seen.has(pid)) return;
    const ticks = startTicks(pid);
    if (ticks !== null) this.seen.set(pid, { what, startTicks: ticks });
  }

  get size(): number {
    return this.seen.size;
  }

  alive(): Survivor[] {
    return [...this.seen].filter(([pid, seen]) => isAlive(pid) && startTicks(pid) === seen.startTicks).map(([pid, { what }]) => ({ pid, what }));
  }

  /** SIGKILLs every recorded process still alive (by pid) and returns what it had to end. */
  async endSurvivors(): Promise<Survivor[]> {
    const survivors = this.alive();
    for (const { pid } of survivors) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // exited meanwhile
      }
    }
    for (let i = 0; i < 250 && this.alive().length > 0; i += 1) await sleep(20);
    return survivors;
  }
}
