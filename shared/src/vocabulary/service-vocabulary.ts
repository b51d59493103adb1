// The words agent and coordinator share about a service's life: its states, the kinds of its
// events and the shape of one observed process. The protocol carries them as strings (vigil.v1).

/** The states of the agent's service state machine, as ServiceEvent.state and ServiceStatus.state carry them. */
export const SERVICE_STATES = [
  /** Not running and not meant to run until started (new, stopped on request, or removed). */
  "stopped",
  /** Being launched: environment, log and process are being set up. */
  "starting",
  /** The main process runs. */
  "running",
  /** It failed and waits for its next start after a delay. */
  "backoff",
  /** Its processes were signalled and are being waited for (escalating to SIGKILL). */
  "stopping",
  /** It failed (exit, start failure, health check); the restart decision is being made. */
  "exited",
  /** It will not run: paused by the user, or disabled by Vigil after a crash loop. */
  "disabled",
] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

/**
 * The states a stored status may hold: every supervision state plus "unknown", which only the
 * coordinator sets, for the services of a host that is down (no agent ever reports it).
 */
export const SERVICE_STATUS_STATES = [...SERVICE_STATES, "unknown"] as const;
export type ServiceStatusState = (typeof SERVICE_STATUS_STATES)[number];

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
  /** Writing the service's log failed (e.g. a full disk): the service keeps running, its output is dropped. No state change. */
  "log-write-failed",
  /** The log can be written again; message says how many lines were dropped meanwhile. No state change. */
  "log-write-recovered",
  /** The running service's forks were refused by its (or its account's) task limit. No state change: it runs on. */
  "task-limit-reached",
] as const;
export type ServiceEventKind = (typeof SERVICE_EVENT_KINDS)[number];

/**
 * The coordinator's own events about a host (no service; state "unknown"): its agent went silent
 * past the liveness timeout, or was heard from again; it stayed down past the configured window; a
 * drain started, moved one account (the event names it), gave a move up (no host of the account's
 * pool fits any more: its services run on the old host again) or finished. Operators see them in `vigil events`.
 */
export const HOST_EVENT_KINDS = ["host-down", "host-up", "host-down-too-long", "drain-started", "account-moved", "account-move-failed", "drain-finished"] as const;
export type HostEventKind = (typeof HOST_EVENT_KINDS)[number];

/** Every kind the event history stores. */
export const STORED_EVENT_KINDS = [...SERVICE_EVENT_KINDS, ...HOST_EVENT_KINDS] as const;
export type StoredEventKind = (typeof STORED_EVENT_KINDS)[number];

/** One process of a service's tree as the agent sampled it (the ProcessInfo message, read-only). */
export interface ProcessSnapshot {
  readonly pid: number;
  readonly ppid: number;
  /** The owner's user name (the numeric uid when the name is unknown). */
  readonly user: string;
  readonly command: string;
  /** Percent of one CPU over the time since the previous sample (since start on first sight). */
  readonly cpuPercent: number;
  /** Resident set size in bytes. */
  readonly rssBytes: number;
}

/** Narrows a protocol string to a service state; undefined when it is none. */
export function asServiceState(text: string): ServiceState | undefined {
  return SERVICE_STATES.find((state) => state === text);
}

/** Narrows a protocol string to a stored status state (including "unknown"); undefined when it is none. */
export function asServiceStatusState(text: string): ServiceStatusState | undefined {
  return SERVICE_STATUS_STATES.find((state) => state === text);
}

/** Narrows a protocol string to an event kind; undefined when it is none. */
export function asServiceEventKind(text: string): ServiceEventKind | undefined {
  return SERVICE_EVENT_KINDS.find((kind) => kind === text);
}
