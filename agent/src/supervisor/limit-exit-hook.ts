// Says when an exit came from a limit: a SIGKILL with an OOM kill counted in the service's memory
// cgroup is "oom-killed"; an exit after forks were refused by the task limit is "task-limit".
// Both are failures like any other for the restart policy.
import type { ExitStatus, LaunchLimits, LimitCounters } from "../driver/process-driver.js";
import { exitLine } from "./log-lines.js";

export const LIMIT_EXIT_REASONS = {
  oomKilled: "oom-killed",
  taskLimit: "task-limit",
} as const;
export type LimitExitReason = (typeof LIMIT_EXIT_REASONS)[keyof typeof LIMIT_EXIT_REASONS];

const MIB = 1024 * 1024;

function memoryText(limits: LaunchLimits): string {
  const own = limits.serviceLimits.memoryMaxBytes;
  const account = limits.accountLimits.memoryMaxBytes;
  const parts = [own === null ? null : `its memory maximum is ${Math.round(own / MIB)} MiB`, account === null ? null : `its account's is ${Math.round(account / MIB)} MiB`];
  const known = parts.filter((part) => part !== null);
  return known.length === 0 ? "" : ` (${known.join(", ")})`;
}

export function classifyLimitExit(exit: ExitStatus, counters: LimitCounters | null, limits: LaunchLimits | undefined): { readonly reason: LimitExitReason; readonly message: string } | null {
  if (counters === null || limits === undefined) return null;
  if (exit.signal === "SIGKILL" && counters.oomKills > 0) {
    return { reason: LIMIT_EXIT_REASONS.oomKilled, message: `oom-killed: the kernel killed the service for running out of memory${memoryText(limits)}` };
  }
  if (counters.taskLimitHits > 0) {
    const max = limits.serviceLimits.tasksMax ?? limits.accountLimits.tasksMax;
    return {
      reason: LIMIT_EXIT_REASONS.taskLimit,
      message: `${exitLine(exit)} after reaching its task limit${max === null ? "" : ` of ${max}`} (${counters.taskLimitHits} forks refused)`,
    };
  }
  return null;
}
