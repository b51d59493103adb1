// Makes a task limit that is hit visible while the service runs: the pids cgroup's "max" counter
// (forks refused) is polled, only for runs with a task limit of their own or of their account; its
// first rise gives a task-limit-reached event (no state change) and a flag in the status.
import type { LaunchLimits, ProcessDriver, ProcessTracking } from "../driver/process-driver.js";
import type { SupervisionEvent } from "../events/service-event.js";
import type { Clock, TimerHandle } from "../runtime/clock.js";
import type { LogHealthContext } from "./log-health-hook.js";

/** One small file read per limited service a second; the event follows the first refused fork within it. */
export const TASK_LIMIT_POLL_MS = 1_000;
export const TASK_LIMIT_REACHED_REASON = "task-limit-reached";

export function hasTaskLimit(limits: LaunchLimits | undefined): boolean {
  return limits !== undefined && (limits.serviceLimits.tasksMax !== null || limits.accountLimits.tasksMax !== null);
}

export class TaskLimitWatch {
  /** Forks refused in this run so far, as last read: by the service's own limit, and by its account's. */
  ownHits = 0;
  accountHits = 0;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly driver: ProcessDriver,
    private readonly tracking: ProcessTracking,
    private readonly clock: Clock,
    private readonly onReached: (hits: number) => void,
    private readonly pollMs = TASK_LIMIT_POLL_MS,
  ) {}

  /**
   * Where a refusal is counted depends on the kernel and cgroup version (the forking cgroup, the one
   * whose limit refused, or both), so the larger of the two counters is the run's count.
   */
  get hits(): number {
    return Math.max(this.ownHits, this.accountHits);
  }

  start(): void {
    this.timer = this.clock.setTimer(this.pollMs, () => void this.poll());
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private async poll(): Promise<void> {
    try {
      const counters = await this.driver.limitCounters?.(this.tracking);
      if (counters) {
        const before = this.hits;
        this.ownHits = counters.taskLimitHits;
        this.accountHits = counters.accountTaskLimitHits;
        if (before === 0 && this.hits > 0 && !this.stopped) this.onReached(this.hits);
      }
    } catch {
      // The unit is being released (its cgroup is gone): the run's exit reports the rest.
    }
    if (!this.stopped) this.start();
  }
}

/** "its task limit of 64 was reached: 12 forks refused so far; ..." (or its account's, when that one refused them). */
export function taskLimitLine(watch: Pick<TaskLimitWatch, "accountHits" | "hits">, limits: LaunchLimits | undefined): string {
  const own = limits?.serviceLimits.tasksMax ?? null;
  const account = limits?.accountLimits.tasksMax ?? null;
  // The account's counter rises only for its own limit's refusals; without a limit of its own, the account's refused them.
  const byAccount = account !== null && (own === null || watch.accountHits > 0);
  const which = byAccount ? `its account's task limit of ${account}` : `its task limit${own === null ? "" : ` of ${own}`}`;
  const { hits } = watch;
  return `${which} was reached: ${hits} fork${hits === 1 ? "" : "s"} refused so far; the service runs on but cannot start more processes or threads`;
}

export function taskLimitEvent(watch: Pick<TaskLimitWatch, "accountHits" | "hits">, limits: LaunchLimits | undefined, context: LogHealthContext): SupervisionEvent {
  return {
    account: context.desired.account.name,
    service: context.desired.spec.name,
    kind: "task-limit-reached",
    state: context.state,
    at: context.at,
    message: taskLimitLine(watch, limits),
    pid: context.pid,
    exit: null,
    reason: TASK_LIMIT_REACHED_REASON,
    restarts: context.restarts,
    delayMs: 0,
    output: "",
  };
}
