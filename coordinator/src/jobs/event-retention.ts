// Retention: events older than the configured age are deleted in bounded batches, so a big backlog
// never becomes one long transaction; runs as a singleton job.
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { type Store } from "../store/open-store.js";
import { pruneEventsBatch } from "../store/repositories/events.js";
import { type SingletonJob } from "./singleton-jobs.js";

export const DEFAULT_EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
export const RETENTION_BATCH = 1_000;

export interface EventRetentionOptions {
  readonly store: Store;
  /** Events older than this are deleted; default 30 days. */
  readonly maxAgeMs?: number;
  /** How often the job runs; default hourly. */
  readonly intervalMs?: number;
  readonly batch?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** Deletes every event older than the age; returns how many. */
export async function pruneOldEvents(options: EventRetentionOptions): Promise<number> {
  const olderThan = new Date((options.now ?? Date.now)() - (options.maxAgeMs ?? DEFAULT_EVENT_RETENTION_MS));
  const batch = options.batch ?? RETENTION_BATCH;
  let total = 0;
  for (;;) {
    const deleted = await pruneEventsBatch(options.store.db, olderThan, batch);
    total += deleted;
    if (deleted < batch) return total;
    // Let requests between batches through.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function eventRetentionJob(options: EventRetentionOptions): SingletonJob {
  return {
    name: "event-retention",
    intervalMs: options.intervalMs ?? 60 * 60 * 1000,
    async run() {
      const deleted = await pruneOldEvents(options);
      if (deleted > 0) (options.logger ?? defaultLogger()).info(`retention deleted ${deleted} event(s) older than ${Math.round((options.maxAgeMs ?? DEFAULT_EVENT_RETENTION_MS) / 86_400_000)} days`);
    },
  };
}
