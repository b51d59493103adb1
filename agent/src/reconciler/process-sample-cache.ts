// Samples a service's processes (pid, user, command, CPU %, RSS) on demand, at most once per
// interval per service, so frequent status calls stay cheap on a host with many services; reports
// (heartbeats) re-sample what changed and a fixed number of the others (sampleForReport).
// Command lines are cut to MAX_COMMAND_BYTES here, once, for every reader of status.
import type { ProcessSnapshot } from "@vigil/shared";
import type { ProcessDriver, ProcessTracking } from "../driver/process-driver.js";
import type { Clock } from "../runtime/clock.js";
import { boundCommandLine } from "./command-line-bound.js";

interface Sample {
  readonly at: number;
  readonly tracking: ProcessTracking;
  readonly processes: readonly ProcessSnapshot[];
}

export class ProcessSampleCache {
  private readonly samples = new Map<string, Sample>();

  constructor(
    private readonly driver: ProcessDriver,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  async sample(key: string, tracking: ProcessTracking | null): Promise<readonly ProcessSnapshot[]> {
    if (tracking === null) {
      this.samples.delete(key);
      return [];
    }
    const now = this.clock.now();
    const cached = this.samples.get(key);
    if (cached && cached.tracking === tracking && now - cached.at < this.intervalMs) return cached.processes;
    const processes = (await this.driver.inspect(tracking)).map((process) => ({ ...process, command: boundCommandLine(process.command) }));
    this.samples.set(key, { at: now, tracking, processes });
    return processes;
  }

  /**
   * Samples for a report of every service: a service never sampled, or sampled before its processes
   * changed (a new tracking: started, restarted, adopted), is sampled now; of the rest, at most
   * `refreshBudget` are sampled again, those sampled longest ago first, and every other one keeps
   * its last sample. A report then reads /proc for what changed plus a fixed number of services,
   * whatever the host runs: each one's figures are refreshed every N / refreshBudget reports.
   */
  async sampleForReport(entries: ReadonlyArray<readonly [string, ProcessTracking | null]>, refreshBudget: number): Promise<Map<string, readonly ProcessSnapshot[]>> {
    const now = this.clock.now();
    const sampled = new Map<string, readonly ProcessSnapshot[]>();
    const refreshable: Array<{ readonly key: string; readonly tracking: ProcessTracking; readonly at: number }> = [];
    for (const [key, tracking] of entries) {
      const cached = this.samples.get(key);
      if (tracking === null || cached === undefined || cached.tracking !== tracking) {
        sampled.set(key, await this.sample(key, tracking));
        continue;
      }
      sampled.set(key, cached.processes);
      if (now - cached.at >= this.intervalMs) refreshable.push({ key, tracking, at: cached.at });
    }
    refreshable.sort((a, b) => a.at - b.at);
    for (const { key, tracking } of refreshable.slice(0, refreshBudget)) sampled.set(key, await this.sample(key, tracking));
    return sampled;
  }

  forget(key: string): void {
    this.samples.delete(key);
  }
}
