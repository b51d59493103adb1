// A service's log became unwritable (e.g. a full disk) or writable again: not a transition (the service runs
// on), but an event, so the failure is visible in events and status instead of only in the agent's log.
import type { DesiredServiceSpec, ServiceState } from "@vigil/shared";
import type { SupervisionEvent } from "../events/service-event.js";
import type { LogHealthChange } from "../logs/service-log.js";
import { logRecoveredLine, logWriteFailedLine } from "./log-lines.js";

export const LOG_WRITE_FAILED_REASON = "log-write-failed";

export interface LogHealthContext {
  readonly desired: DesiredServiceSpec;
  readonly state: ServiceState;
  readonly at: number;
  readonly pid: number | null;
  readonly restarts: number;
}

export function logHealthEvent(change: LogHealthChange, context: LogHealthContext): SupervisionEvent {
  const failed = change.kind === "failed";
  return {
    account: context.desired.account.name,
    service: context.desired.spec.name,
    kind: failed ? "log-write-failed" : "log-write-recovered",
    state: context.state,
    at: context.at,
    message: failed ? logWriteFailedLine(change.error.message) : logRecoveredLine(change.dropped),
    pid: context.pid,
    exit: null,
    reason: failed ? LOG_WRITE_FAILED_REASON : "",
    restarts: context.restarts,
    delayMs: 0,
    output: "",
  };
}
