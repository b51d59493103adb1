// Schedules a running service's health checks: the first after the grace period, then one per
// interval after the previous one finished (never two at once). The first failure is reported once.
import type { CompiledHealthCheck } from "@vigil/shared";
import type { LaunchRequest, ProcessDriver } from "../driver/process-driver.js";
import type { Clock, TimerHandle } from "../runtime/clock.js";
import { type HealthCheckResult, type HealthCheckRun, runHealthCheck } from "./run-health-check.js";

export type HealthFailure = Extract<HealthCheckResult, { ok: false }>;

export interface HealthCheckerOptions {
  readonly driver: ProcessDriver;
  readonly clock: Clock;
  readonly check: CompiledHealthCheck;
  /** Grace before the first check. */
  readonly graceMs: number;
  /** The check's launch: the service's user, environment and directory, its own unit. */
  readonly request: LaunchRequest;
  readonly onFailure: (failure: HealthFailure) => void;
  readonly onError: (error: unknown) => void;
}

export class HealthChecker {
  private timer: TimerHandle | null = null;
  private running: HealthCheckRun | null = null;
  private finished: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: HealthCheckerOptions) {}

  start(): void {
    this.schedule(this.options.graceMs);
  }

  /** No further checks; a running one is killed. Resolves once its processes are gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    this.running?.abort();
    await this.finished;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimer(delayMs, () => {
      this.timer = null;
      this.finished = this.checkOnce();
    });
  }

  private async checkOnce(): Promise<void> {
    if (this.stopped) return;
    const { driver, clock, request, check } = this.options;
    this.running = runHealthCheck(driver, clock, request, check.timeoutMs);
    let result: HealthCheckResult;
    try {
      result = await this.running.result;
    } catch (error) {
      this.options.onError(error);
      result = { ok: true };
    } finally {
      this.running = null;
    }
    if (this.stopped) return;
    if (result.ok) this.schedule(check.intervalMs);
    else {
      this.stopped = true;
      this.options.onFailure(result);
    }
  }
}
