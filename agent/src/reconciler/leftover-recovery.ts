// After an agent restart or crash: what the previous run left is taken over, not restarted. Each
// service claims its own leftover when the first desired state arrives (adopting it when it still
// runs the same spec); whatever no service claims then is ended, so no service ever runs twice.
import type { LeftoverUnit, ProcessDriver } from "../driver/process-driver.js";
import { terminateUnit } from "../supervisor/terminate-hook.js";

export interface RecoveredUnit {
  readonly unit: string;
  /** Pids that were still running when the agent started. */
  readonly pids: readonly number[];
}

export interface RecoveryReport {
  /** Ended at once: the driver cannot adopt, or nothing recorded how to (no launch record). */
  readonly ended: readonly RecoveredUnit[];
  /** Waiting for their service to claim them with the first desired state. */
  readonly adoptable: readonly RecoveredUnit[];
}

/** SIGTERM first so a database can shut down cleanly, SIGKILL after the host's stop timeout. */
async function endLeftover(driver: ProcessDriver, leftover: LeftoverUnit, stopTimeoutMs: number): Promise<void> {
  await terminateUnit(driver, leftover.tracking, { signal: "SIGTERM", timeoutMs: stopTimeoutMs });
  await driver.release(leftover.tracking);
}

/** Leftovers waiting for their service; each can be claimed once. */
export class AdoptionPool {
  private readonly waiting = new Map<string, LeftoverUnit>();
  private settled = false;

  constructor(
    private readonly driver: ProcessDriver,
    private readonly stopTimeoutMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** What recovery found that a service may claim. */
  offer(leftovers: readonly LeftoverUnit[]): void {
    for (const leftover of leftovers) this.waiting.set(leftover.unit, leftover);
  }

  /** The previous run's leftover of this service's unit, if any (taken out of the pool). */
  claim(unit: string): LeftoverUnit | undefined {
    const leftover = this.waiting.get(unit);
    this.waiting.delete(unit);
    return leftover;
  }

  /** Ends a claimed leftover that is not adopted (its spec changed, or the service is to stay stopped). */
  end(leftover: LeftoverUnit): Promise<void> {
    return endLeftover(this.driver, leftover, this.stopTimeoutMs);
  }

  /** Once the first desired state has been applied: what no service claimed is not wanted on this host. */
  async endUnclaimed(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    const unclaimed = [...this.waiting.values()];
    this.waiting.clear();
    await Promise.all(unclaimed.map((leftover) => this.end(leftover).catch(this.onError)));
  }
}

/** Drivers that cannot adopt: every leftover is ended before anything starts. */
export async function endLeftovers(driver: ProcessDriver, leftovers: readonly LeftoverUnit[], stopTimeoutMs: number, onError: (error: unknown) => void): Promise<RecoveredUnit[]> {
  await Promise.all(leftovers.map((leftover) => endLeftover(driver, leftover, stopTimeoutMs).catch(onError)));
  return leftovers.map(recovered);
}

function recovered(leftover: LeftoverUnit): RecoveredUnit {
  return { unit: leftover.unit, pids: [...leftover.pids] };
}
