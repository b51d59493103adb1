// Samples a service's processes (pid, user, command, CPU %, RSS) on demand, at most once per
// interval per service, so frequent status calls stay cheap on a host with many services.
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

  forget(key: string): void {
    this.samples.delete(key);
  }
}
