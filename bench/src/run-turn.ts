// One bounded step of the run: a supervisor's turn at a scenario, or a control-plane measurement.
// Afterwards every recorded process must be gone; survivors are reported and ended by pid.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchOptions } from "./options.js";
import { PidLedger } from "./proc/pid-ledger.js";
import type { FigureLog } from "./report/figures.js";
import type { ScenarioContext } from "./scenarios/scenario-context.js";
import type { SupervisorUnderTest } from "./sut/supervisor-under-test.js";

function bound<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const log = (message: string): void => console.log(`bench: ${message}`);

/** Runs `body` within `boundMs`, then `teardown` (bounded too); returns the incidents to report. */
export async function runGuarded(label: string, boundMs: number, body: (ledger: PidLedger) => Promise<void>, teardown: () => Promise<void> = async () => undefined): Promise<string[]> {
  const incidents: string[] = [];
  const ledger = new PidLedger();
  const started = performance.now();
  log(`${label} ...`);
  try {
    await bound(body(ledger), boundMs, label);
  } catch (error) {
    incidents.push(`${label}: ${(error as Error).message}`);
    log(`${label} FAILED: ${(error as Error).stack}`);
  }
  try {
    await bound(teardown(), 60_000, `${label}: shutdown`);
  } catch (error) {
    incidents.push(`${label}: shutdown: ${(error as Error).message}`);
  }
  const survivors = await ledger.endSurvivors();
  if (survivors.length > 0) {
    const listed = survivors.slice(0, 5).map((s) => `${s.pid} (${s.what})`).join(", ");
    incidents.push(`${label}: ${survivors.length} process(es) still running after shutdown, ended by pid: ${listed}${survivors.length > 5 ? ", ..." : ""}`);
  }
  log(`${label} done in ${((performance.now() - started) / 1000).toFixed(1)} s, ${ledger.size} pids recorded, ${survivors.length} survivors`);
  return incidents;
}

/** A supervisor's turn at a scenario: a fresh daemon and pid directory, shut down afterwards. */
export async function runTurn(
  label: string,
  sut: SupervisorUnderTest,
  options: BenchOptions,
  figures: FigureLog,
  boundMs: number,
  scenario: (ctx: ScenarioContext) => Promise<void>,
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-pids-"));
  return runGuarded(
    `${label}, ${sut.name}`,
    boundMs,
    (ledger) => scenario({ sut, options, ledger, figures, dir, log }),
    async () => {
      try {
        await sut.shutdown();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}
