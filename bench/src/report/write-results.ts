// Writes a run's raw JSON (bench/results/) and its report: BENCHMARKS.md for a full run, a partial
// report otherwise; `--render` re-renders the report from the latest JSON (same figures, new notes).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Machine } from "../machine.js";
import { type BenchOptions, SCENARIOS } from "../options.js";
import type { Figure, SupervisorName } from "./figures.js";
import { METHOD_NOTES } from "./method-notes.js";
import { renderReport } from "./render-report.js";
import type { TargetResult } from "./targets.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const resultsDir = `${root}bench/results/`;

export interface RunRecord {
  readonly machine: Machine;
  readonly versions: Record<SupervisorName, string>;
  readonly options: BenchOptions;
  readonly command: string;
  /** Whether every scenario ran at full size: only such a run may write BENCHMARKS.md. */
  readonly full: boolean;
  readonly durationS: number;
  readonly figures: readonly Figure[];
  readonly targets: readonly TargetResult[];
  readonly incidents: readonly string[];
}

function writeReport(run: RunRecord): string {
  // Read when writing, so the write-up of causes can be edited while a run is going.
  const causes = existsSync(`${root}bench/CAUSES.md`) ? readFileSync(`${root}bench/CAUSES.md`, "utf8") : "";
  const path = run.full ? `${root}BENCHMARKS.md` : `${resultsDir}BENCHMARKS-partial.md`;
  writeFileSync(path, renderReport({ ...run, notes: `${METHOD_NOTES}\n${causes}` }));
  return path;
}

export function writeResults(run: RunRecord): { report: string; raw: string } {
  mkdirSync(resultsDir, { recursive: true });
  const raw = `${resultsDir}${run.machine.date.replaceAll(":", "-")}.json`;
  const json = JSON.stringify(run, null, 2);
  writeFileSync(raw, json);
  writeFileSync(`${resultsDir}latest.json`, json);
  return { report: writeReport(run), raw };
}

export function rerenderLatest(): string {
  const run = JSON.parse(readFileSync(`${resultsDir}latest.json`, "utf8")) as Partial<RunRecord> & Omit<RunRecord, "command" | "full">;
  const full = run.full ?? (!run.options.quick && run.options.scenarios.length === SCENARIOS.length);
  return writeReport({ ...run, command: run.command ?? "npm run bench", full });
}
