// Control-plane latency in one mode: create-to-running (Admin API call until the workload runs)
// and exit-to-status (SIGKILL of the main process until the coordinator has recorded the exit).
import { chownSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { recordingLogger } from "@vigil/shared/logging";
import type { PidLedger } from "../proc/pid-ledger.js";
import { readPid, runningPid } from "../proc/pid-files.js";
import { sleep, waitFor } from "../proc/wait.js";
import type { FigureLog } from "../report/figures.js";
import { CONTROL_SECTION } from "../report/targets.js";
import { median, percentile } from "../stats.js";
import { shellQuote, workloadArgv } from "../sut/workloads.js";
import { BenchAdminClient } from "./admin-client.js";
import { BENCH_ACCOUNT, type ControlMode, startControlStack } from "./control-stack.js";

export const controlMetric = (mode: ControlMode, what: "create-to-running" | "exit-to-status", p: "p50" | "p99"): string => `${mode}: ${what}, ${p}`;

export async function runControlLatency(mode: ControlMode, samples: number, figures: FigureLog, ledger: PidLedger, log: (line: string) => void): Promise<void> {
  const lines: string[] = [];
  const stack = await startControlStack(mode, recordingLogger(lines).logger);
  const admin = new BenchAdminClient(stack.coordinator.address, stack.operatorToken);
  const recordedExit = new Map<string, number>();
  stack.coordinator.recorder.onEvent((event) => {
    if (event.kind === "exited" && event.service) recordedExit.set(event.service.name, performance.now());
  });
  try {
    const pids = join(stack.home, "pids");
    mkdirSync(pids);
    chownSync(pids, 65_534, 65_534);
    const names = Array.from({ length: samples }, (_, i) => `cp-${i}`);
    const created: number[] = [];
    for (const name of names) {
      const pidFile = join(pids, name);
      const command = `exec ${shellQuote(workloadArgv({ name, kind: "sleeper-sh", pidFile }))}`;
      const started = performance.now();
      await admin.createService(BENCH_ACCOUNT, name, command);
      const pid = await waitFor(() => runningPid(pidFile) ?? undefined, `${name} to run`, 30_000, 1);
      created.push(performance.now() - started);
      ledger.record(pid, `${mode} ${name}`);
    }
    await sleep(1_000);
    const exits: number[] = [];
    for (const name of names) {
      const pidFile = join(pids, name);
      const pid = readPid(pidFile)!;
      const killed = performance.now();
      process.kill(pid, "SIGKILL");
      const recorded = await waitFor(() => recordedExit.get(name), `the coordinator to record ${name}'s exit`, 30_000, 1);
      exits.push(recorded - killed);
      ledger.record(await waitFor(() => runningPid(pidFile, pid) ?? undefined, `${name} restarted`, 30_000, 2), `${mode} ${name} (restarted)`);
    }
    const set = (metric: string, value: number | null, note?: string): void => {
      figures.set(CONTROL_SECTION, metric, "ms", true, "vigil", value, note);
      for (const peer of ["supervisord", "pm2"] as const) figures.set(CONTROL_SECTION, metric, "ms", true, peer, null, "no control plane");
    };
    set(controlMetric(mode, "create-to-running", "p50"), median(created), `${samples} services`);
    set(controlMetric(mode, "create-to-running", "p99"), percentile(created, 99));
    set(controlMetric(mode, "exit-to-status", "p50"), median(exits), `${samples} kills`);
    set(controlMetric(mode, "exit-to-status", "p99"), percentile(exits, 99));
    log(`${mode}: create-to-running p50 ${median(created)?.toFixed(1)} ms; exit-to-status p50 ${median(exits)?.toFixed(1)} ms`);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last coordinator/agent lines: ${lines.slice(-5).join(" / ")}`);
  } finally {
    admin.close();
    await stack.close();
  }
}
