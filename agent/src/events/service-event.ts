// The typed events supervision emits, one per state transition of a service. Their fields are
// host-independent and map 1:1 onto the ServiceEvent protocol message (vigil.v1, events.proto).
import type { ServiceState } from "../supervisor/service-state.js";

/** The kinds of the ServiceEvent protocol message (events.proto), which the coordinator stores. */
export const SERVICE_EVENT_KINDS = [
  /** The command runs; pid is its main process. */
  "started",
  /** The main process exited without being asked to; exit says how. */
  "exited",
  /** A failed service is being started again (at once, or after its backoff). */
  "restarting",
  /** A failed service waits delayMs before its next start. */
  "backoff",
  /** The service will not run: reason is "crash-loop" or the user's reason. */
  "disabled",
  /** A disabled service may run again. */
  "enabled",
  /** The health check failed or timed out; output holds its tail. The service is restarted. */
  "health-check-failed",
  /** No process of the service remains, as requested. */
  "stopped",
  /** The command could not be started (missing user, directory, binary, unsafe log path...). */
  "start-failed",
  /** The main process exited while others of the service kept running: it daemonised. */
  "daemonized",
  /** The service's processes were sent the stop (or restart) signal. */
  "stopping",
] as const;
export type ServiceEventKind = (typeof SERVICE_EVENT_KINDS)[number];

export interface EventExit {
  /** Exit code, or null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: string | null;
  readonly at: number;
}

/** One state change of one service. */
export interface SupervisionEvent {
  readonly account: string;
  readonly service: string;
  readonly kind: ServiceEventKind;
  /** The state after the event. */
  readonly state: ServiceState;
  /** Milliseconds since the epoch, from the supervisor's clock. */
  readonly at: number;
  /** The same human sentence that went into the service's log. */
  readonly message: string;
  readonly pid: number | null;
  readonly exit: EventExit | null;
  /** Machine-readable cause, e.g. "crash-loop", "missing-directory", "backoff"; "" when none. */
  readonly reason: string;
  /** Restarts of the service so far. */
  readonly restarts: number;
  /** For backoff: how long until the next start. */
  readonly delayMs: number;
  /** For health-check-failed: the tail of the check's output. */
  readonly output: string;
}

export type SupervisionEventListener = (event: SupervisionEvent) => void;
