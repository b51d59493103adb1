// Liveness: a host whose agent has not been heard from (bus heartbeat or link heartbeat) for the
// timeout is marked down (a `host-down` event) and its services read "unknown"; its next hello or
// heartbeat brings it back up (`host-up`, host-transitions.ts).
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { type Store } from "../store/open-store.js";
import { recordHostEvent } from "../store/repositories/events.js";
import { markHostsDown } from "../store/repositories/hosts.js";
import { markHostServicesUnknown } from "../store/repositories/status.js";

export interface LivenessOptions {
  readonly store: Store;
  /** Silence after which a host is down; default 30 s. */
  readonly timeoutMs?: number;
  /** How often hosts are checked; default a sixth of the timeout. */
  readonly checkIntervalMs?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Told the hosts each check marked down. */
  readonly onDown?: (hosts: readonly string[]) => void;
}

export const DEFAULT_HOST_TIMEOUT_MS = 30_000;

export class LivenessMonitor {
  readonly #options: LivenessOptions;
  readonly #timeoutMs: number;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<readonly string[]> | undefined;

  constructor(options: LivenessOptions) {
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_HOST_TIMEOUT_MS;
  }

  start(): void {
    const interval = this.#options.checkIntervalMs ?? Math.max(200, Math.floor(this.#timeoutMs / 6));
    this.#timer ??= setInterval(() => void this.check(), interval);
  }

  /** Marks silent hosts down now; returns their names. Overlapping calls share one check. */
  check(): Promise<readonly string[]> {
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#checking;
  }

  async #check(): Promise<readonly string[]> {
    const now = (this.#options.now ?? Date.now)();
    const logger = this.#options.logger ?? defaultLogger();
    try {
      const down = await markHostsDown(this.#options.store.db, new Date(now - this.#timeoutMs));
      for (const host of down) {
        const count = await markHostServicesUnknown(this.#options.store.db, host, new Date(now));
        const message = `missed its heartbeats for ${this.#timeoutMs / 1000} s: marked down, ${count} service(s) now unknown`;
        await recordHostEvent(this.#options.store.db, { host, kind: "host-down", at: new Date(now), message });
        logger.warn({ host, services: count }, `host ${message}`);
      }
      if (down.length > 0) this.#options.onDown?.(down);
      return down;
    } catch (error) {
      logger.error({ err: error }, "liveness check failed");
      return [];
    }
  }
}
