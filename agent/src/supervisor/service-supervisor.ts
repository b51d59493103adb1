// Supervises one service: launches it, watches its exit and health, applies the restart policy,
// stops and restarts it on request. Every change runs through one queue, so commands are safe in any state.
import { constants } from "node:os";
import { type DesiredServiceSpec, launchFingerprint, serviceKey, type ServiceState } from "@vigil/shared";
import type { ExitStatus, ProcessTracking } from "../driver/process-driver.js";
import type { SupervisionEvent } from "../events/service-event.js";
import type { HealthFailure } from "../health/health-checker.js";
import { LOG_START, type LogChunk, type LogHealthChange, type LogRead, type ServiceLog } from "../logs/service-log.js";
import type { Clock, TimerHandle } from "../runtime/clock.js";
import { CommandQueue } from "./command-queue.js";
import { classifyExit, classifyLeftovers, leftoversAfterExit } from "./exit-hook.js";
import { classifyLimitExit } from "./limit-exit-hook.js";
import { outputLogged, startHealthChecks, type ServiceRun, settledExit, stopHealthChecks } from "./run-hooks.js";
import { type AdoptionSource, adoptPrevious, endPrevious } from "./adopt-hook.js";
import { type LaunchContext, launchLimits, launchService, openLog, type StartRefusal } from "./launch-hook.js";
import { updateRunLimits } from "./limits-update-hook.js";
import { logHealthEvent } from "./log-health-hook.js";
import { hasTaskLimit, TaskLimitWatch, taskLimitEvent } from "./task-limit-watch.js";
import { adoptedLine, crashLoopLine, daemonizedLine, disabledLine, escalatedLine, exitLine, healthFailedLine, remainingEndedLine, restartingLine, startedLine, startFailedLine, stoppingLine } from "./log-lines.js";
import { decideRestart, EMPTY_FAILURE_HISTORY, type FailureHistory, recordFailure } from "./restart-policy.js";
import type { ServiceHistoryStore } from "./service-history.js";
import { SIGNALLABLE_STATES, type ServiceTrigger, transition } from "./service-state.js";
import { ServiceDisabled, ServiceNotRunning, ServiceStopped, UnknownSignal } from "./supervisor-errors.js";
import { terminateUnit } from "./terminate-hook.js";

export interface SupervisorContext extends LaunchContext {
  readonly clock: Clock;
  /** Returns [0, 1); jitters backoff delays. */
  readonly random: () => number;
  readonly emit: (event: SupervisionEvent) => void;
  /** Restart count and failure history, kept across agent restarts. */
  readonly history: ServiceHistoryStore;
  /** Told how long each launch took, from the decision to start to the process running (metrics). */
  readonly onLaunched?: (latencyMs: number) => void;
  /** What the agent's previous run left running: a service takes over its own process instead of starting one. */
  readonly adoption?: AdoptionSource;
}

/** What status reports of one service, apart from its sampled processes. */
export interface ServiceSnapshot {
  readonly key: string;
  readonly account: string;
  readonly service: string;
  readonly state: ServiceState;
  readonly mainPid: number | null;
  readonly startedAt: number | null;
  readonly restarts: number;
  readonly lastExit: ExitStatus | null;
  /** Set while disabled: "crash-loop" or the user's reason. */
  readonly disabledReason: string;
  /** Fingerprint of what the current process was started with (shared launchFingerprint). */
  readonly launchFingerprint: string;
  readonly tracking: ProcessTracking | null;
  /** Writing the log fails (e.g. a full disk): the service runs on, its output is dropped. */
  readonly logDegraded: boolean;
  /** Log lines dropped since the log was opened. */
  readonly logLinesDropped: number;
  /** Forks the running service's task limit refused in this run (0: not reached, or no task limit). */
  readonly taskLimitHits: number;
}

type EventDetails = Partial<Pick<SupervisionEvent, "pid" | "exit" | "reason" | "delayMs" | "output">> & { readonly message: string };

export class ServiceSupervisor {
  readonly key: string;
  private state: ServiceState = "stopped";
  private run: ServiceRun | null = null;
  /** The latest run, also after it ended: its output may still be on its way into the log. */
  private lastRun: ServiceRun | null = null;
  private log: ServiceLog | null = null;
  private history: FailureHistory = EMPTY_FAILURE_HISTORY;
  private backoff: TimerHandle | null = null;
  private restarts = 0;
  private lastExit: ExitStatus | null = null;
  private disabledReason = "";
  private removed = false;
  private readonly queue = new CommandQueue();

  /** `after`: a previous supervisor of the same key that must be gone before this one launches. */
  constructor(
    private desired: DesiredServiceSpec,
    private readonly context: SupervisorContext,
    after: Promise<void> = Promise.resolve(),
  ) {
    this.key = serviceKey(desired.account.name, desired.spec.name);
    const remembered = context.history.load(this.key);
    if (remembered !== undefined) {
      this.restarts = remembered.restarts;
      if (remembered.fingerprint === launchFingerprint(desired)) this.history = remembered.failures;
    }
    void this.queue.push(() => after.catch(() => undefined));
  }

  /** Brings a new service up: started, kept stopped when so desired, or disabled with the desired reason. */
  begin(): Promise<void> {
    return this.command(() => this.converge(this.desired, true));
  }

  /** A change that needs no new process (health check, stop settings, annotation, is_disabled, desired state). */
  reconfigure(desired: DesiredServiceSpec): Promise<void> {
    return this.command(async () => {
      const before = this.desired;
      this.desired = desired;
      await this.converge(before, false);
      const run = this.run;
      if (run && this.state === "running" && JSON.stringify(before.spec.healthCheck) !== JSON.stringify(desired.spec.healthCheck)) {
        await stopHealthChecks(run);
        this.startHealth(run);
      }
      if (run && this.state === "running") await this.applyLimits(run);
    });
  }

  /** New limits go into the running service's cgroups; only when the kernel refuses them does it restart. */
  private async applyLimits(run: ServiceRun): Promise<void> {
    const update = await updateRunLimits(this.context.driver, run, launchLimits(this.context.config, this.desired));
    if (update.outcome === "applied") this.note("new limits applied to the running service");
    if (update.outcome === "applied") this.watchTaskLimit(run);
    if (update.outcome !== "refused") return;
    this.note(`the new limits cannot be applied to the running service (${update.message}); restarting it with them`);
    await this.endRun(this.desired.spec.stopSignal, "its new limits need a restart");
    await this.relaunch("restarting with the new limits");
  }

  /** What the process is started with changed: end the old run, start the new spec with a clean failure history. */
  replace(desired: DesiredServiceSpec): Promise<void> {
    return this.command(async () => {
      await this.stopNow("its definition changed");
      await this.closeLog();
      this.desired = desired;
      this.history = EMPTY_FAILURE_HISTORY;
      this.remember();
      await this.converge(desired, true);
    });
  }

  /** Requested restart: SIGHUP to every process, escalation, start again. Not a failure. */
  restart(): Promise<void> {
    return this.command(async () => {
      if (this.state === "disabled") throw new ServiceDisabled(this.key, this.disabledReason);
      if (this.desired.desiredState === "stopped") throw new ServiceStopped(this.key);
      if (this.state === "stopped") return this.startFromStopped();
      if (this.state === "backoff") {
        this.cancelBackoff();
        return this.relaunch("restarting as requested");
      }
      await this.endRun("SIGHUP", "restart requested");
      await this.relaunch("restarting as requested");
    });
  }

  /**
   * Lets go of the service without stopping it (the agent exits and leaves services running): no
   * more health checks or restarts, its output stays in its pipe for the next agent run, which
   * adopts the process. Later commands do nothing.
   */
  detach(): Promise<void> {
    return this.command(async () => {
      this.removed = true;
      this.cancelBackoff();
      const run = this.run;
      if (run) {
        await stopHealthChecks(run);
        run.taskLimit?.stop();
        run.launched.output.destroy();
      }
      await this.closeLog();
    });
  }

  /**
   * Stops the service and releases its log; later commands do nothing. "removed": it left this host's
   * desired state (its history is forgotten); "shutdown": the agent is shutting down (its history is kept).
   */
  remove(why: "removed" | "shutdown" = "removed"): Promise<void> {
    return this.command(async () => {
      await this.stopNow(why === "removed" ? "removed from this host" : "the agent is shutting down");
      this.removed = true;
      await this.closeLog();
      if (why === "removed") this.context.history.forget(this.key);
    });
  }

  /** Sends any signal to the main process or to every process of the service, at once (not queued). */
  async signal(signal: string, wholeService: boolean): Promise<void> {
    if (!Object.hasOwn(constants.signals, signal)) throw new UnknownSignal(signal);
    const run = this.run;
    if (!run || !SIGNALLABLE_STATES.has(this.state)) throw new ServiceNotRunning(this.key, this.state);
    if (wholeService) await this.context.driver.signalAll(run.launched.tracking, signal);
    else this.context.driver.signalProcess(run.launched.pid, signal);
  }

  snapshot(): ServiceSnapshot {
    const run = this.run;
    return {
      key: this.key,
      account: this.desired.account.name,
      service: this.desired.spec.name,
      state: this.state,
      mainPid: run?.launched.pid ?? null,
      startedAt: run?.launched.startedAt ?? null,
      restarts: this.restarts,
      lastExit: this.lastExit,
      disabledReason: this.state === "disabled" ? this.disabledReason : "",
      launchFingerprint: launchFingerprint(this.desired),
      tracking: run?.launched.tracking ?? null,
      logDegraded: this.log?.health?.().degraded ?? false,
      logLinesDropped: this.log?.health?.().droppedLines ?? 0,
      taskLimitHits: run?.taskLimit?.hits ?? 0,
    };
  }

  async tailLog(lines: number): Promise<string[]> {
    return this.log ? this.log.tail(lines) : [];
  }

  /** A tail with its end position, or reading on from a position (following). */
  async readLog(request: LogRead): Promise<LogChunk> {
    return this.log ? this.log.read(request) : { lines: [], next: "from" in request ? request.from : LOG_START };
  }

  /** Resolves once every command and internal event queued so far has been handled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private command(op: () => Promise<void>): Promise<void> {
    return this.queue.push(async () => {
      if (!this.removed) await op();
    });
  }

  /** Exits, health failures and backoff expiry: queued like commands, errors go to the host. */
  private internal(op: () => Promise<void>): void {
    this.command(op).catch((error: unknown) => this.context.onError(error));
  }

  /**
   * Level-triggered is_disabled and desired state: disable, stay stopped, or run; re-enable only on a
   * real edge (or a new spec) so a crash loop stays off.
   */
  private async converge(before: DesiredServiceSpec, fresh: boolean): Promise<void> {
    const { spec, disabledReason, desiredState } = this.desired;
    // A process the previous agent run left for a service that is not to run now is ended.
    if (spec.isDisabled || desiredState === "stopped") await endPrevious(this.context, this.key);
    if (spec.isDisabled) return this.disable(disabledReason || "disabled by the user");
    if (this.state === "disabled" && (fresh || before.spec.isDisabled)) {
      // Enabling starts a fresh failure window: the failures that disabled it would otherwise
      // disable it again at its next single failure.
      this.history = EMPTY_FAILURE_HISTORY;
      this.move("enable", { message: "enabled" }); // DISABLED -> STOPPED
    }
    if (desiredState === "stopped") return this.holdStopped();
    if (this.state === "stopped") await this.startFromStopped();
  }

  /** Not a failure and not disabled: ends what runs and keeps the log open, so it can still be read. */
  private async holdStopped(): Promise<void> {
    await this.stopNow("stop requested");
    if (this.log) return;
    const opened = await openLog(this.context.logs, this.desired);
    // A refused log path is reported when the service is started; a stopped service has nothing to write.
    if (opened.ok) this.useLog(opened.log);
  }

  private async startFromStopped(): Promise<void> {
    this.move("start", { message: "starting" }); // STOPPED -> STARTING
    if (!(await this.adopt())) await this.launch();
  }

  /** Takes over the process the agent's previous run started for this service, if it still runs this spec. */
  private async adopt(): Promise<boolean> {
    const adopted = await adoptPrevious(this.context, this.desired, this.key, async () => {
      if (this.log) return this.log;
      const opened = await openLog(this.context.logs, this.desired);
      return opened.ok ? this.useLog(opened.log) : null;
    });
    if (adopted === null) return false;
    this.runStarted({ ...adopted, health: null }, adoptedLine(adopted.launched.pid, adopted.launched.startedAt));
    return true;
  }

  /** A run is under way (launched or adopted): STARTING -> RUNNING, health checks, task-limit watch, exit watch. */
  private runStarted(run: ServiceRun, message: string): void {
    this.lastRun = run;
    this.run = run;
    this.move("launched", { pid: run.launched.pid, message }); // STARTING -> RUNNING
    this.startHealth(run);
    this.watchTaskLimit(run);
    void run.launched.exited.then((exit) => this.internal(() => this.onMainExit(run, exit)));
  }

  private async relaunch(message: string): Promise<void> {
    this.restarts += 1;
    this.remember();
    this.move("relaunch", { message }); // EXITED | BACKOFF | STOPPING -> STARTING
    await this.launch();
  }

  /** The supervision state now (cheap: for counting services by state). */
  get currentState(): ServiceState {
    return this.state;
  }

  private async launch(): Promise<void> {
    const began = this.context.clock.now();
    let log = this.log;
    if (!log) {
      const opened = await openLog(this.context.logs, this.desired);
      if (!opened.ok) return this.startFailed(opened);
      log = this.useLog(opened.log);
    }
    const outcome = await launchService(this.context, this.desired, this.key, log);
    if (!outcome.ok) return this.startFailed(outcome);
    this.runStarted({ launched: outcome.launched, logged: outcome.logged, health: null, limits: outcome.request.limits }, startedLine(outcome.launched.pid));
    this.context.onLaunched?.(this.context.clock.now() - began);
  }

  private async startFailed(refusal: StartRefusal): Promise<void> {
    this.move("start-failed", { reason: refusal.reason, message: startFailedLine(refusal.message) }); // STARTING -> EXITED
    await this.afterFailure(null, this.context.clock.now());
  }

  private async onMainExit(run: ServiceRun, exit: ExitStatus): Promise<void> {
    if (this.run !== run || this.state !== "running") return; // a stop or restart already ended this run
    this.lastExit = exit;
    await stopHealthChecks(run);
    const { restartPolicy } = this.context.config;
    const classified = classifyExit(exit, run.launched.startedAt, this.desired.spec.command, restartPolicy.startFailureWindowMs);
    const counters = (await this.context.driver.limitCounters?.(run.launched.tracking)) ?? null;
    const byLimit = classified.trigger === "main-exited" ? classifyLimitExit(exit, counters, run.limits) : null;
    this.move(classified.trigger, { pid: run.launched.pid, exit, reason: byLimit?.reason ?? classified.reason, message: byLimit?.message ?? classified.message }); // RUNNING -> EXITED
    const leftovers = await leftoversAfterExit(this.context.driver, run.launched.tracking);
    const verdict = classifyLeftovers(exit, leftovers);
    if (verdict === "daemonized") this.move("daemonized", { pid: run.launched.pid, reason: "daemonized", message: daemonizedLine(leftovers) }); // EXITED -> EXITED
    if (verdict === "orphaned") this.note(remainingEndedLine(leftovers));
    if (verdict !== "none") await this.terminate(run, this.desired.spec.stopSignal);
    await this.releaseRun(run);
    await this.afterFailure(run.launched.startedAt, exit.at);
  }

  /** Health check failures count as failures: a service that keeps failing them must end in crash-loop, not churn forever. */
  private async onHealthFailure(run: ServiceRun, failure: HealthFailure): Promise<void> {
    if (this.run !== run || this.state !== "running") return;
    const message = healthFailedLine(failure.detail);
    this.move("health-failed", { pid: run.launched.pid, reason: failure.reason, output: failure.output, message }); // RUNNING -> STOPPING
    for (const line of failure.output === "" ? [] : failure.output.split("\n")) this.note(`health check output: ${line}`);
    await stopHealthChecks(run);
    await this.terminate(run, this.desired.spec.stopSignal);
    const exit = (await settledExit(run, this.context.clock)) ?? { code: null, signal: this.desired.spec.stopSignal, at: this.context.clock.now() };
    this.lastExit = exit;
    await this.releaseRun(run);
    this.move("main-exited", { pid: run.launched.pid, exit, reason: failure.reason, message: `${exitLine(exit)} after the failed health check` }); // STOPPING -> EXITED
    await this.afterFailure(run.launched.startedAt, this.context.clock.now());
  }

  private async afterFailure(startedAt: number | null, failedAt: number): Promise<void> {
    const { clock, random, config } = this.context;
    const policy = config.restartPolicy;
    this.history = recordFailure(policy, this.history, { startedAt, failedAt });
    this.remember();
    const decision = decideRestart(policy, this.history, clock.now(), random);
    if (decision.action === "disable") {
      this.disabledReason = decision.reason;
      this.move("disable", { reason: decision.reason, message: crashLoopLine(policy.maxFailures, policy.failureWindowMs) }); // EXITED -> DISABLED
      return;
    }
    if (decision.delayMs === 0) return this.relaunch(restartingLine(0));
    this.move("delay", { delayMs: decision.delayMs, reason: decision.reason, message: restartingLine(decision.delayMs) }); // EXITED -> BACKOFF
    const timer = clock.setTimer(decision.delayMs, () =>
      this.internal(async () => {
        if (this.backoff !== timer || this.state !== "backoff") return; // cancelled by stop, remove, restart or a new spec
        this.backoff = null;
        await this.relaunch("restarting after backoff");
      }),
    );
    this.backoff = timer;
  }

  /** Ends whatever runs (or waits in backoff) and leaves the service stopped. */
  private async stopNow(why: string): Promise<void> {
    if (this.state === "backoff") {
      this.cancelBackoff();
      this.move("stop", { message: `stopped (${why}); the pending restart is cancelled` }); // BACKOFF -> STOPPED
    } else if (this.state === "running") {
      await this.endRun(this.desired.spec.stopSignal, why);
      this.move("terminated", { message: "stopped" }); // STOPPING -> STOPPED
    }
  }

  private async disable(reason: string): Promise<void> {
    if (this.state === "disabled") {
      this.disabledReason = reason;
      return;
    }
    await this.stopNow("disabled");
    this.disabledReason = reason;
    this.move("disable", { reason, message: disabledLine(reason) }); // STOPPED | BACKOFF -> DISABLED
  }

  /** Signals every process of the running service, escalates, and releases the run. */
  private async endRun(signal: string, why: string): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.move("stop", { pid: run.launched.pid, message: stoppingLine(signal, why) }); // RUNNING -> STOPPING
    await stopHealthChecks(run);
    await this.terminate(run, signal);
    this.lastExit = (await settledExit(run, this.context.clock)) ?? this.lastExit;
    await this.releaseRun(run);
  }

  private async terminate(run: ServiceRun, signal: string): Promise<void> {
    const timeoutMs = this.desired.spec.stopTimeoutMs;
    await terminateUnit(this.context.driver, run.launched.tracking, { signal, timeoutMs, onEscalate: (remaining) => this.note(escalatedLine(remaining, timeoutMs)) });
  }

  private async releaseRun(run: ServiceRun): Promise<void> {
    run.taskLimit?.stop();
    if (this.run === run) this.run = null;
    await this.context.driver.release(run.launched.tracking);
  }

  private cancelBackoff(): void {
    this.backoff?.cancel();
    this.backoff = null;
  }

  /** Only runs with a task limit are polled; a live update that adds one starts the watch. */
  private watchTaskLimit(run: ServiceRun): void {
    if (run.taskLimit || !hasTaskLimit(run.limits)) return;
    run.taskLimit = new TaskLimitWatch(this.context.driver, run.launched.tracking, this.context.clock, () => this.internal(async () => this.onTaskLimit(run)));
    run.taskLimit.start();
  }

  /** Not a transition: the service runs on; the event and the status flag make the limit visible now, not only at its exit. */
  private async onTaskLimit(run: ServiceRun): Promise<void> {
    if (this.run !== run || this.state !== "running" || !run.taskLimit) return;
    const event = taskLimitEvent(run.taskLimit, run.limits, { desired: this.desired, state: this.state, at: this.context.clock.now(), pid: run.launched.pid, restarts: this.restarts });
    this.note(event.message);
    this.context.emit(event);
  }

  private startHealth(run: ServiceRun): void {
    startHealthChecks(run, this.context, this.desired, `${this.key}.health`, (failure) => this.internal(() => this.onHealthFailure(run, failure)));
  }

  /** Applies a transition from the table (throws on an illegal one) and emits its event; the log gets the same sentence. */
  private move(trigger: ServiceTrigger, details: EventDetails): void {
    const { next, emits } = transition(this.state, trigger);
    this.state = next;
    if (emits === null) return;
    this.note(details.message);
    this.context.emit({
      account: this.desired.account.name,
      service: this.desired.spec.name,
      kind: emits,
      state: next,
      at: this.context.clock.now(),
      message: details.message,
      pid: details.pid ?? null,
      exit: details.exit ?? null,
      reason: details.reason ?? "",
      restarts: this.restarts,
      delayMs: details.delayMs ?? 0,
      output: details.output ?? "",
    });
  }

  private remember(): void {
    this.context.history.save(this.key, { restarts: this.restarts, failures: this.history, fingerprint: launchFingerprint(this.desired) });
  }

  private useLog(log: ServiceLog): ServiceLog {
    this.log = log;
    log.onHealthChange?.((change) => this.onLogHealth(change));
    return log;
  }

  /** Not a transition: the service runs on; the event makes a full disk visible (the log itself notes the recovery). */
  private onLogHealth(change: LogHealthChange): void {
    const context = { desired: this.desired, state: this.state, at: this.context.clock.now(), pid: this.run?.launched.pid ?? null, restarts: this.restarts };
    this.context.emit(logHealthEvent(change, context));
  }

  private async closeLog(): Promise<void> {
    await outputLogged(this.lastRun, this.context.clock);
    await this.log?.close();
    this.log = null;
  }

  private note(message: string): void {
    this.log?.note(message);
  }
}
