// After an agent crash: ends every process the previous run left (found by the driver through its
// launch records and cgroup subtree) before anything starts, so no service ever runs twice.
import type { ProcessDriver } from "../driver/process-driver.js";
import { terminateUnit } from "../supervisor/terminate-hook.js";

export interface RecoveredUnit {
  readonly unit: string;
  /** Pids that were still running when the agent started. */
  readonly pids: readonly number[];
}

export interface RecoveryReport {
  readonly ended: readonly RecoveredUnit[];
}

/**
 * SIGTERM first so a database can shut down cleanly, SIGKILL after the host's stop timeout.
 * Adopting them instead is future work; the driver's launch records carry what it would need.
 */
export async function endLeftovers(driver: ProcessDriver, stopTimeoutMs: number, onError: (error: unknown) => void): Promise<RecoveryReport> {
  const leftovers = (await driver.findLeftovers?.()) ?? [];
  await Promise.all(
    leftovers.map(async (leftover) => {
      await terminateUnit(driver, leftover.tracking, { signal: "SIGTERM", timeoutMs: stopTimeoutMs });
      await driver.release(leftover.tracking).catch(onError);
    }),
  );
  return { ended: leftovers.map((leftover) => ({ unit: leftover.unit, pids: [...leftover.pids] })) };
}
