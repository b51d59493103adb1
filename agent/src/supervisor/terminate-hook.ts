// Ends every process of a unit: a first signal, SIGKILL to whatever remains after the timeout, and
// done only when the driver sees the unit empty. Used for stop, restart, leftovers and health checks.
import type { ProcessDriver, ProcessTracking } from "../driver/process-driver.js";

/** How long to wait for the kernel to reap SIGKILLed processes before killing again. */
export const KILL_WAIT_MS = 5_000;

export interface TerminateResult {
  /** Processes still there when the timeout ran out (0: the first signal was enough). */
  readonly killedAfterTimeout: number;
}

export interface TerminateOptions {
  readonly signal: string;
  readonly timeoutMs: number;
  /** Called once when the timeout runs out, with the number of processes that are then SIGKILLed. */
  readonly onEscalate?: (remaining: number) => void;
}

export async function terminateUnit(driver: ProcessDriver, tracking: ProcessTracking, options: TerminateOptions): Promise<TerminateResult> {
  await driver.signalAll(tracking, options.signal);
  if (await driver.waitEmpty(tracking, options.timeoutMs)) return { killedAfterTimeout: 0 };
  const remaining = (await driver.listPids(tracking)).length;
  options.onEscalate?.(remaining);
  // A process stuck in uninterruptible sleep dies only when its I/O returns: keep killing rather
  // than start a second copy of the service beside it.
  do {
    await driver.killAll(tracking);
  } while (!(await driver.waitEmpty(tracking, KILL_WAIT_MS)));
  return { killedAfterTimeout: remaining };
}
