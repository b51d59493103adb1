// The agent's supervision of a whole host, driven by desired state: apply() diffs and executes the
// plan, the rest answers the control plane (status, restart, signal, log tail and reads) and publishes events.
import { type CompiledHostConfig, type DesiredServiceSpec, type ProcessSnapshot, type ServiceState } from "@vigil/shared";
import { defaultLogger } from "@vigil/shared/logging";
import type { ProcessDriver } from "../driver/process-driver.js";
import { EventHub } from "../events/event-hub.js";
import type { SupervisionEventListener } from "../events/service-event.js";
import type { LogChunk, LogRead, ServiceLogFactory } from "../logs/service-log.js";
import { type Clock, systemClock } from "../runtime/clock.js";
import type { RunAs } from "../runtime/service-environment.js";
import type { AccountNetworkJoin } from "../supervisor/launch-hook.js";
import { NO_HISTORY, type ServiceHistoryStore } from "../supervisor/service-history.js";
import { type ServiceSnapshot, ServiceSupervisor, type SupervisorContext } from "../supervisor/service-supervisor.js";
import { ServiceNotFound } from "../supervisor/supervisor-errors.js";
import { AdoptionPool, endLeftovers, type RecoveryReport } from "./leftover-recovery.js";
import { desiredKey, planReconcile, type ReconcilePlan } from "./plan-reconcile.js";
import { ProcessSampleCache } from "./process-sample-cache.js";

export interface HostSupervisorOptions {
  readonly driver: ProcessDriver;
  readonly logs: ServiceLogFactory;
  readonly config: CompiledHostConfig;
  /** Default: the account's user when the agent is root, the agent's own user otherwise (embedded mode). */
  readonly runAs?: RunAs;
  readonly clock?: Clock;
  /** [0, 1); jitters backoff delays. Default Math.random. */
  readonly random?: () => number;
  /** Errors with no caller to return to (a driver failure while handling an exit, a throwing listener). Default: the process's stderr logger. */
  readonly onError?: (error: unknown) => void;
  /** Keeps restart counts and crash-loop history across agent restarts. Default: remembers nothing. */
  readonly history?: ServiceHistoryStore;
  /** Told how long each launch took (the agent's launch latency histogram). */
  readonly onLaunched?: (latencyMs: number) => void;
  /** Account namespaces that services and health checks join (public hosts with an account prefix). */
  readonly networks?: AccountNetworkJoin;
}

export interface ServiceStatus extends Omit<ServiceSnapshot, "tracking"> {
  readonly processes: readonly ProcessSnapshot[];
}

export interface ApplyError {
  readonly key: string;
  readonly message: string;
}

export interface ApplyResult {
  readonly plan: ReconcilePlan;
  /**
   * Services whose part of the plan threw (an internal error such as a failing driver call). The
   * desired spec is recorded all the same, so a later apply does not repeat it; the error is for the ack.
   */
  readonly errors: readonly ApplyError[];
}

interface Entry {
  readonly supervisor: ServiceSupervisor;
  desired: DesiredServiceSpec;
}

export class HostSupervisor {
  private readonly services = new Map<string, Entry>();
  /** Removed services still stopping, by key: a re-added service starts only after they are gone. */
  private readonly retiring = new Map<string, Promise<void>>();
  private readonly events: EventHub;
  private readonly context: SupervisorContext;
  private readonly samples: ProcessSampleCache;
  private started: Promise<RecoveryReport> | null = null;
  private readonly adoption: AdoptionPool;

  constructor(options: HostSupervisorOptions) {
    const onError = options.onError ?? ((error: unknown) => defaultLogger().error({ err: error }, "supervision"));
    const clock = options.clock ?? systemClock;
    this.events = new EventHub(onError);
    this.adoption = new AdoptionPool(options.driver, options.config.stopTimeoutMs, onError);
    this.context = {
      adoption: this.adoption,
      driver: options.driver,
      logs: options.logs,
      config: options.config,
      runAs: options.runAs ?? (process.getuid?.() === 0 ? "account-user" : "agent-user"),
      clock,
      random: options.random ?? Math.random,
      onError,
      emit: (event) => this.events.emit(event),
      history: options.history ?? NO_HISTORY,
      ...(options.onLaunched && { onLaunched: options.onLaunched }),
      ...(options.networks && { networks: options.networks }),
    };
    this.samples = new ProcessSampleCache(options.driver, clock, options.config.processSampleIntervalMs);
  }

  /**
   * Finds what a previous agent run left: services that can be adopted wait for the first desired
   * state (each claims its own), the rest is ended now. apply() waits for it; calling it again
   * returns the same report.
   */
  start(): Promise<RecoveryReport> {
    this.started ??= this.recover();
    return this.started;
  }

  private async recover(): Promise<RecoveryReport> {
    const { driver, config, onError } = this.context;
    const leftovers = (await driver.findLeftovers?.()) ?? [];
    if (driver.adopt === undefined) return { ended: await endLeftovers(driver, leftovers, config.stopTimeoutMs, onError), adoptable: [] };
    // Only a recorded launch can be adopted; a unit found by its cgroup alone is ended now.
    const adoptable = leftovers.filter((leftover) => leftover.specHash !== undefined);
    this.adoption.offer(adoptable);
    const ended = await endLeftovers(driver, leftovers.filter((leftover) => leftover.specHash === undefined), config.stopTimeoutMs, onError);
    return { ended, adoptable: adoptable.map((leftover) => ({ unit: leftover.unit, pids: [...leftover.pids] })) };
  }

  /**
   * Brings the host to `desired`: starts new services, stops removed ones, restarts changed ones,
   * leaves the rest alone. Safe at any time and concurrently: plans are made in call order against
   * what was last applied, and each service executes its part in order, so the latest state wins.
   */
  async apply(desired: readonly DesiredServiceSpec[]): Promise<ApplyResult> {
    if (this.started === null) throw new Error("HostSupervisor.start() must be called before apply()");
    await this.started;
    const plan = planReconcile(new Map([...this.services].map(([key, entry]) => [key, entry.desired])), desired);
    const work: Array<[string, Promise<void>]> = [];
    for (const key of plan.stop) work.push([key, this.retire(key)]);
    for (const next of plan.start) work.push([desiredKey(next), this.add(next)]);
    for (const next of plan.restart) work.push([desiredKey(next), this.update(next, (s) => s.replace(next))]);
    // Halting, resuming and in-place changes need no new definition: the supervisor converges to the desired spec.
    for (const next of [...plan.halt, ...plan.resume, ...plan.updateInPlace]) work.push([desiredKey(next), this.update(next, (s) => s.reconfigure(next))]);
    const settled = await Promise.allSettled(work.map(([, promise]) => promise));
    // The first desired state says what this host runs: a leftover no service claimed is ended.
    await this.adoption.endUnclaimed();
    const errors = settled.flatMap((result, i) => (result.status === "rejected" ? [{ key: work[i]![0], message: String((result.reason as Error)?.message ?? result.reason) }] : []));
    return { plan, errors };
  }

  /** How many services are in each state now; no process is sampled (metrics read it at every scrape). */
  stateCounts(): Partial<Record<ServiceState, number>> {
    const counts: Partial<Record<ServiceState, number>> = {};
    for (const { supervisor } of this.services.values()) counts[supervisor.currentState] = (counts[supervisor.currentState] ?? 0) + 1;
    return counts;
  }

  async status(): Promise<ServiceStatus[]> {
    return Promise.all([...this.services.keys()].sort().map((key) => this.statusOf(key)));
  }

  /**
   * Every service's status for a heartbeat, without reading /proc for every service each time: see
   * ProcessSampleCache.sampleForReport (new and restarted services are sampled at once, at most
   * `refreshBudget` others are re-sampled, the rest report their last sample).
   */
  async reportStatuses(refreshBudget: number): Promise<ServiceStatus[]> {
    const snapshots = [...this.services.keys()].sort().map((key) => this.entry(key).supervisor.snapshot());
    const processes = await this.samples.sampleForReport(
      snapshots.map((snapshot) => [snapshot.key, snapshot.tracking] as const),
      refreshBudget,
    );
    return snapshots.map(({ tracking: _tracking, ...snapshot }) => ({ ...snapshot, processes: processes.get(snapshot.key) ?? [] }));
  }

  async statusOf(key: string): Promise<ServiceStatus> {
    const { tracking, ...snapshot } = this.entry(key).supervisor.snapshot();
    return { ...snapshot, processes: await this.samples.sample(key, tracking) };
  }

  /** Requested restart: SIGHUP, escalation, start again; not counted as a failure. */
  async restart(key: string): Promise<void> {
    return this.entry(key).supervisor.restart();
  }

  async signal(key: string, signal: string, wholeService: boolean): Promise<void> {
    return this.entry(key).supervisor.signal(signal, wholeService);
  }

  async tailLog(key: string, lines: number): Promise<string[]> {
    return this.entry(key).supervisor.tailLog(lines);
  }

  /** A tail with the position after it, or lines read on from a position (following a log). */
  async readLog(key: string, request: LogRead): Promise<LogChunk> {
    return this.entry(key).supervisor.readLog(request);
  }

  /**
   * Stops and forgets every service (agent shutdown); a later apply() may bring them back. Waits for
   * every stop even when one fails (then rejects with all the failures), so a shutdown never exits
   * while some service is still half-stopped.
   */
  async stopAll(): Promise<void> {
    // An apply() called before this may still wait for start() (recovery can take a stop timeout):
    // its continuation runs first and adds its services, so they are stopped too, not started after.
    await this.started?.catch(() => undefined);
    const removals = await Promise.allSettled([...this.services.keys()].map((key) => this.retire(key, "shutdown")));
    await Promise.all(this.retiring.values());
    const failures = removals.flatMap((result) => (result.status === "rejected" ? [result.reason as unknown] : []));
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} service(s) did not stop cleanly`);
  }

  /**
   * Lets go of every service without stopping it (the agent exits and leaves them running); the next
   * agent run adopts them.
   */
  async detachAll(): Promise<void> {
    await this.started?.catch(() => undefined);
    await Promise.all([...this.services.values()].map((entry) => entry.supervisor.detach()));
    this.services.clear();
    await Promise.all(this.retiring.values());
  }

  /** Subscribes to every service's events; returns the unsubscribe function. */
  onEvent(listener: SupervisionEventListener): () => void {
    return this.events.subscribe(listener);
  }

  /** Resolves once every service has handled what was queued so far (for tests and shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.services.values()].map((entry) => entry.supervisor.idle()));
    await Promise.all(this.retiring.values());
  }

  private entry(key: string): Entry {
    const entry = this.services.get(key);
    if (!entry) throw new ServiceNotFound(key);
    return entry;
  }

  private add(desired: DesiredServiceSpec): Promise<void> {
    const key = desiredKey(desired);
    const supervisor = new ServiceSupervisor(desired, this.context, this.retiring.get(key));
    this.services.set(key, { supervisor, desired });
    return supervisor.begin();
  }

  private update(desired: DesiredServiceSpec, op: (supervisor: ServiceSupervisor) => Promise<void>): Promise<void> {
    const entry = this.entry(desiredKey(desired));
    entry.desired = desired;
    return op(entry.supervisor);
  }

  private retire(key: string, why: "removed" | "shutdown" = "removed"): Promise<void> {
    const entry = this.entry(key);
    this.services.delete(key);
    this.samples.forget(key);
    const previous = this.retiring.get(key) ?? Promise.resolve();
    const removal = entry.supervisor.remove(why);
    const gone = Promise.all([previous, removal.catch(() => undefined)]).then(() => {
      if (this.retiring.get(key) === gone) this.retiring.delete(key);
    });
    this.retiring.set(key, gone);
    return removal;
  }
}
