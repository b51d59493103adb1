// Makes sense of a main process's exit: an exit 127 right after the start is a start failure
// ("command not found"), anything else an ordinary failure; and whether the command daemonised.
import type { ExitStatus, ProcessDriver, ProcessTracking } from "../driver/process-driver.js";
import { START_FAILURE_REASONS } from "./launch-hook.js";
import { commandNotFoundLine, exitLine } from "./log-lines.js";

/** /bin/sh exits 127 when it cannot find the command. */
const COMMAND_NOT_FOUND = 127;

/** Children of a normally exiting service get this long to go too before it counts as daemonised. */
export const DAEMON_GRACE_MS = 300;

export type ClassifiedExit =
  | { readonly trigger: "main-exited"; readonly message: string; readonly reason: "" }
  | { readonly trigger: "start-failed"; readonly message: string; readonly reason: typeof START_FAILURE_REASONS.commandNotFound };

export function classifyExit(exit: ExitStatus, startedAt: number, command: string, startFailureWindowMs: number): ClassifiedExit {
  if (exit.code === COMMAND_NOT_FOUND && exit.at - startedAt <= startFailureWindowMs) {
    return { trigger: "start-failed", message: commandNotFoundLine(command), reason: START_FAILURE_REASONS.commandNotFound };
  }
  return { trigger: "main-exited", message: exitLine(exit), reason: "" };
}

/**
 * What processes left behind by the main process mean. "daemonized": it exited by itself (a code) while
 * others kept running, the classic fork-and-exit; "orphaned": it was killed by a signal (from outside, an
 * OOM kill), so the rest is simply ended, as after any failure; "none": nothing was left.
 */
export type LeftoverVerdict = "none" | "daemonized" | "orphaned";

export function classifyLeftovers(exit: Pick<ExitStatus, "signal" | "unknown">, leftovers: number): LeftoverVerdict {
  if (leftovers === 0) return "none";
  // An adopted process's exit status is not known: nothing says it daemonised.
  return exit.signal === null && exit.unknown === undefined ? "daemonized" : "orphaned";
}

/** How many processes of the service are still there once the main process has gone. */
export async function leftoversAfterExit(driver: ProcessDriver, tracking: ProcessTracking): Promise<number> {
  if (await driver.waitEmpty(tracking, DAEMON_GRACE_MS)) return 0;
  return (await driver.listPids(tracking)).length;
}
