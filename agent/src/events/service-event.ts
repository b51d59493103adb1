// The typed events supervision emits, one per state transition of a service. Their fields are
// host-independent and map 1:1 onto the ServiceEvent protocol message (vigil.v1, events.proto).
import type { ServiceEventKind, ServiceState } from "@vigil/shared";

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
