// What a service's supervision remembers across agent restarts: its restart count and its recent failures
// (the crash-loop window), so status does not go back to 0 restarts and a crash loop is still one after
// an agent restart or upgrade. One small JSON file per service in the agent's state directory.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultLogger } from "@vigil/shared/logging";
import { EMPTY_FAILURE_HISTORY, type FailureHistory } from "./restart-policy.js";

export interface ServiceHistory {
  readonly restarts: number;
  readonly failures: FailureHistory;
  /** launchFingerprint of the spec the failures belong to: a different spec starts with a clean history. */
  readonly fingerprint: string;
}

export interface ServiceHistoryStore {
  load(key: string): ServiceHistory | undefined;
  save(key: string, history: ServiceHistory): void;
  /** The service was removed from this host: its history goes with it. */
  forget(key: string): void;
}

/** Remembers nothing: for tests and hosts without a state directory. */
export const NO_HISTORY: ServiceHistoryStore = { load: () => undefined, save: () => undefined, forget: () => undefined };

/**
 * <dir>/<escaped key>.json, written to a temporary file and renamed over, so a crash leaves the old or the
 * new history. Synchronous: a few hundred bytes, written only when a service fails or restarts.
 */
export class FileServiceHistoryStore implements ServiceHistoryStore {
  constructor(
    private readonly dir: string,
    private readonly onError: (error: unknown) => void = (error) => defaultLogger().error({ err: error }, "service history"),
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  load(key: string): ServiceHistory | undefined {
    let text: string;
    try {
      text = readFileSync(this.#path(key), "utf8");
    } catch {
      return undefined;
    }
    try {
      return parseHistory(JSON.parse(text));
    } catch (error) {
      this.onError(new Error(`${this.#path(key)} is not a service history, ignored: ${error instanceof Error ? error.message : String(error)}`));
      return undefined;
    }
  }

  save(key: string, history: ServiceHistory): void {
    const path = this.#path(key);
    try {
      writeFileSync(`${path}.tmp`, JSON.stringify(history), { mode: 0o600 });
      renameSync(`${path}.tmp`, path);
    } catch (error) {
      this.onError(error);
    }
  }

  forget(key: string): void {
    rmSync(this.#path(key), { force: true });
  }

  #path(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.json`);
  }
}

function parseHistory(value: unknown): ServiceHistory {
  const record = value as Partial<{ restarts: unknown; failures: Partial<{ failures: unknown; consecutive: unknown }>; fingerprint: unknown }>;
  const count = (field: string, n: unknown): number => {
    if (!Number.isSafeInteger(n) || (n as number) < 0) throw new Error(`${field}: must be a non-negative integer`);
    return n as number;
  };
  const failures = record.failures ?? EMPTY_FAILURE_HISTORY;
  if (!Array.isArray(failures.failures) || !failures.failures.every((at) => Number.isFinite(at))) throw new Error("failures.failures: must be a list of times");
  if (typeof record.fingerprint !== "string") throw new Error("fingerprint: must be a string");
  return {
    restarts: count("restarts", record.restarts),
    failures: { failures: failures.failures as number[], consecutive: count("failures.consecutive", failures.consecutive) },
    fingerprint: record.fingerprint,
  };
}
