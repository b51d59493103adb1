// The on-disk record of each launch (<stateDir>/launches/<escaped unit>.json), written atomically,
// so a restarted agent finds what its previous run left behind and adopts it.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProcessTracking } from "./process-driver.js";
import { escapeUnit } from "./unit-name.js";

export interface LaunchRecord {
  readonly version: 1;
  readonly unit: string;
  readonly tracking: ProcessTracking;
  /** The main process; with pidStartTicks it survives the check against pid reuse. */
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat at launch. */
  readonly pidStartTicks: number;
  /** /proc/sys/kernel/random/boot_id at launch: a record from another boot describes nothing alive. */
  readonly bootId: string;
  readonly startedAt: number;
  /** Identifies the spec the process was started from, so an adopting agent can tell if it is current. */
  readonly specHash: string | null;
  /** The FIFO that carries the service's output (output-pipe.ts); absent in records of older agents. */
  readonly outputPath?: string;
}

function isTracking(value: unknown): value is ProcessTracking {
  const tracking = value as Record<string, unknown> | null;
  if (typeof tracking !== "object" || tracking === null) return false;
  if (tracking.kind === "cgroup") return typeof tracking.path === "string";
  return tracking.kind === "process-group" && Number.isInteger(tracking.pgid) && (tracking.pgid as number) > 1;
}

/** Validates a record read from disk; a damaged or foreign file yields null and is ignored. */
export function parseLaunchRecord(text: string): LaunchRecord | null {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || value.version !== 1) return null;
  if (typeof value.unit !== "string" || !isTracking(value.tracking)) return null;
  if (!Number.isInteger(value.pid) || !Number.isInteger(value.pidStartTicks) || typeof value.bootId !== "string") return null;
  if (typeof value.startedAt !== "number" || (value.specHash !== null && typeof value.specHash !== "string")) return null;
  if (value.outputPath !== undefined && typeof value.outputPath !== "string") return null;
  return value as unknown as LaunchRecord;
}

export class LaunchRecords {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, "launches");
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /**
   * temp + rename: a crash leaves the old record or the new one, never half of one. No fsync: the
   * records describe processes, which do not survive a power loss either.
   */
  write(record: LaunchRecord): void {
    const name = escapeUnit(record.unit);
    const temp = join(this.dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    renameSync(temp, join(this.dir, `${name}.json`));
  }

  read(unit: string): LaunchRecord | null {
    try {
      return parseLaunchRecord(readFileSync(join(this.dir, `${escapeUnit(unit)}.json`), "utf8"));
    } catch {
      return null;
    }
  }

  remove(unit: string): void {
    rmSync(join(this.dir, `${escapeUnit(unit)}.json`), { force: true });
  }

  readAll(): LaunchRecord[] {
    const records: LaunchRecord[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(".json")) continue;
      try {
        const record = parseLaunchRecord(readFileSync(join(this.dir, name), "utf8"));
        if (record) records.push(record);
      } catch {
        // Removed between listing and reading by a concurrent release: nothing to report.
      }
    }
    return records;
  }
}
