// The service state machine: states, the triggers that move between them, and the explicit
// state x trigger table; a pair missing from the table is a bug and throws.
//
//   stopped --start--> starting --launched--> running --stop, health-failed--> stopping
//    ^  |                 |                    |                                 |  |  |
//    |  |                 | start-failed       | main-exited, start-failed       |  |  +--terminated--> stopped
//    |  |                 v                    v                                 |  +--relaunch--> starting
//    |  |               exited <---------------+------------ main-exited --------+
//    |  |               |  |  |   (daemonized: exited -> exited while leftovers are ended)
//    |  |      relaunch |  |  +--delay--> backoff --relaunch--> starting
//    |  |               v  |                |  |
//    |  |        starting  | disable        |  +--stop--> stopped (pending restart cancelled)
//    |  | disable          v                | disable
//    |  +-------------> disabled <----------+
//    +----- enable -------+
import type { ServiceEventKind, ServiceState } from "@vigil/shared";

/** States in which no process of the service exists and none is about to start. */
export const IDLE_STATES: ReadonlySet<ServiceState> = new Set(["stopped", "disabled"]);
/** States in which the service has processes that a signal can reach. */
export const SIGNALLABLE_STATES: ReadonlySet<ServiceState> = new Set(["running", "stopping"]);

export const SERVICE_TRIGGERS = [
  "start",
  "launched",
  "start-failed",
  "main-exited",
  "daemonized",
  "health-failed",
  "relaunch",
  "delay",
  "stop",
  "terminated",
  "disable",
  "enable",
] as const;
export type ServiceTrigger = (typeof SERVICE_TRIGGERS)[number];

export interface Transition {
  readonly next: ServiceState;
  /**
   * The event the transition emits. Only STOPPED -> STARTING has none: a launch always ends in
   * started or start-failed at once, and the protocol's event kinds have no "starting".
   */
  readonly emits: ServiceEventKind | null;
}

const to = (next: ServiceState, emits: ServiceEventKind | null): Transition => ({ next, emits });

/** Every legal (state, trigger) pair. Anything else is a supervision bug. */
export const TRANSITIONS: Readonly<Record<ServiceState, Partial<Record<ServiceTrigger, Transition>>>> = {
  stopped: {
    start: to("starting", null), // STOPPED -> STARTING: reported by its outcome
    disable: to("disabled", "disabled"), // STOPPED -> DISABLED: paused by the user
  },
  starting: {
    launched: to("running", "started"), // STARTING -> RUNNING
    "start-failed": to("exited", "start-failed"), // STARTING -> EXITED: driver refused, log unsafe, bad language version
  },
  running: {
    "main-exited": to("exited", "exited"), // RUNNING -> EXITED: nobody asked
    "start-failed": to("exited", "start-failed"), // RUNNING -> EXITED: exit 127 right after the start
    "health-failed": to("stopping", "health-check-failed"), // RUNNING -> STOPPING, then EXITED
    stop: to("stopping", "stopping"), // RUNNING -> STOPPING: stop, restart, spec change, remove
  },
  stopping: {
    terminated: to("stopped", "stopped"), // STOPPING -> STOPPED: requested stop done
    relaunch: to("starting", "restarting"), // STOPPING -> STARTING: requested restart
    "main-exited": to("exited", "exited"), // STOPPING -> EXITED: ended after a failed health check
  },
  exited: {
    daemonized: to("exited", "daemonized"), // EXITED -> EXITED: leftovers found, being ended
    relaunch: to("starting", "restarting"), // EXITED -> STARTING: restart at once
    delay: to("backoff", "backoff"), // EXITED -> BACKOFF
    disable: to("disabled", "disabled"), // EXITED -> DISABLED: crash loop
  },
  backoff: {
    relaunch: to("starting", "restarting"), // BACKOFF -> STARTING: delay over, or restart requested
    stop: to("stopped", "stopped"), // BACKOFF -> STOPPED: the pending restart is cancelled
    disable: to("disabled", "disabled"), // BACKOFF -> DISABLED: paused by the user
  },
  disabled: {
    enable: to("stopped", "enabled"), // DISABLED -> STOPPED: may be started again
  },
};

export class IllegalTransition extends Error {
  constructor(
    readonly state: ServiceState,
    readonly trigger: ServiceTrigger,
  ) {
    super(`illegal service transition: ${trigger} in state ${state}`);
    this.name = "IllegalTransition";
  }
}

/** The transition for (state, trigger); throws IllegalTransition when the table has none. */
export function transition(state: ServiceState, trigger: ServiceTrigger): Transition {
  const found = TRANSITIONS[state][trigger];
  if (found === undefined) throw new IllegalTransition(state, trigger);
  return found;
}
