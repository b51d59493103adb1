// Work that must run in exactly one coordinator replica (marking silent hosts down, pruning old
// events), run by whichever replica holds the lease; when it dies, the lease and the work move.
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { type Lease } from "./lease.js";

export interface SingletonJob {
  readonly name: string;
  readonly intervalMs: number;
  run(): Promise<void>;
}

export interface SingletonJobsOptions {
  readonly lease: Lease;
  readonly jobs: readonly SingletonJob[];
  /** How often the lease is checked (and each job considered); default 1 s. */
  readonly tickMs?: number;
  readonly logger?: Logger;
}

/** "vigil" + 2: one lease for all singleton jobs (0x76696769_6c01 is the migration lock). */
export const SINGLETON_JOBS_LEASE_KEY = 0x76696769_6c02n;

export class SingletonJobs {
  readonly #options: SingletonJobsOptions;
  readonly #lastRun = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #held = false;

  constructor(options: SingletonJobsOptions) {
    this.#options = options;
  }

  /** Whether this replica held the lease at its last check. */
  get leader(): boolean {
    return this.#held;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), this.#options.tickMs ?? 1_000);
    void this.tick();
  }

  /** One round: check the lease, then run every job whose interval has passed. Overlapping calls share one. */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
    await this.#options.lease.release();
    this.#held = false;
  }

  async #tick(): Promise<void> {
    const logger = this.#options.logger ?? defaultLogger();
    const held = await this.#options.lease.hold();
    if (held !== this.#held) logger.info(held ? "this replica now runs the singleton jobs (liveness, retention)" : "lost the singleton jobs' lease");
    this.#held = held;
    if (!held) return;
    const now = Date.now();
    for (const job of this.#options.jobs) {
      if (now - (this.#lastRun.get(job.name) ?? -Infinity) < job.intervalMs) continue;
      this.#lastRun.set(job.name, now);
      try {
        await job.run();
      } catch (error) {
        logger.error({ job: job.name, err: error }, "job failed");
      }
    }
  }
}
