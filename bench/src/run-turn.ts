// One supervisor's turn at one scenario: a fresh supervisor and pid directory, a time bound, then
// shutdown and the check that every recorded process is gone (survivors are ended by pid).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchOptions } from "./options.js";
import { PidLedger } from "./proc/pid-ledger.js";
import type { FigureLog } from "./report/figures.js";
import type { ScenarioContext } from "./scenarios/scenario-context.js";
import type { SupervisorUnderTest } from "./sut/supervisor-under-test.js";

export interface TurnOutcome {
  readonly incidents: string[];
}

function bound<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runTurn(
  label: string,
  sut: SupervisorUnderTest,
  options: BenchOptions,
  figures: FigureLog,
  boundMs: number,
  scenario: (ctx: ScenarioContext) => Promise<void>,
): Promise<TurnOutcome> {
  const incidents: string[] = [];
  const ledger = new PidLedger();
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-pids-"));
  const log = (message: string): void => console.log(`bench: ${message}`);
  const started = performance.now();
  log(`${label}: ${sut.name} ...`);
  try {
    await bound(scenario({ sut, options, ledger, figures, dir, log }), boundMs, `${label} (${sut.name})`);
  } catch (error) {
    incidents.push(`${label}, ${sut.name}: ${(error as Error).message}`);
    log(`${label}: ${sut.name} FAILED: ${(error as Error).stack}`);
  }
  try {
    await bound(sut.shutdown(), 60_000, `${sut.name} shutdown`);
  } catch (error) {
    incidents.push(`${label}, ${sut.name}: shutdown: ${(error as Error).message}`);
  }
  const survivors = await ledger.endSurvivors();
  if (survivors.length > 0) {
    incidents.push(`${label}, ${sut.name}: ${survivors.length} process(es) still running after shutdown, ended by pid: ${survivors.slice(0, 5).map((s) => `${s.pid} (${s.what})`).join(", ")}${survivors.length > 5 ? ", ..." : ""}`);
  }
  rmSync(dir, { recursive: true, force: true });
  log(`${label}: ${sut.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s, ${ledger.size} pids recorded, ${survivors.length} survivors`);
  return { incidents };
}
