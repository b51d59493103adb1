// `vigil up` as a user meets it: ready time on a new state directory and when reopening one with N
// services, and the CLI's start-up (`vigil --version`, `vigil service ls`) against the running
// instance, next to `node -e 0` measured in the same run.
import { mkdtempSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ListServicesResponse } from "@vigil/shared";
import { BenchAdminClient } from "../control/admin-client.js";
import type { PidLedger } from "../proc/pid-ledger.js";
import { waitFor } from "../proc/wait.js";
import type { FigureLog } from "../report/figures.js";
import { median } from "../stats.js";
import { runCommand } from "../sut/run-command.js";
import { benchAccounts, byAccount } from "../vigil/bench-accounts.js";
import { UpProcess, type UpReady, VIGIL_BIN } from "../vigil/up-process.js";

export const UP_SECTION = "vigil up";
export const UP_METRICS = {
  readyNew: "ready on a new state directory",
  readyReopen: "ready when reopening a state directory with N services",
  nodeBaseline: "`node -e 0` (baseline, same run)",
  cliVersion: "`vigil --version`, median",
  cliList: "`vigil service ls`, median",
} as const;

/** The most services one CreateServices call takes. */
const BATCH = 500;

export interface VigilUpContext {
  readonly services: number;
  readonly cliRuns: number;
  readonly ledger: PidLedger;
  readonly figures: FigureLog;
  readonly log: (message: string) => void;
}

async function medianMs(runs: number, file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const result = await runCommand(file, args, { env, timeoutMs: 30_000 });
    if (result.code !== 0) throw new Error(`${[file, ...args].join(" ")}: exit ${result.code}: ${result.stderr.trim()}`);
    samples.push(performance.now() - started);
  }
  return median(samples)!;
}

async function createAndRun(ready: UpReady, homesDir: string, count: number, ledger: PidLedger): Promise<void> {
  const client = new BenchAdminClient(ready.address, ready.token);
  try {
    const services = Array.from({ length: count }, (_, i) => ({ name: `idle-${i}`, command: "exec sleep 1000000" }));
    const accounts = await benchAccounts(client, homesDir, ready.account, count);
    for (const [account, group] of byAccount(accounts, services)) {
      for (let start = 0; start < group.length; start += BATCH) await client.createServices(account, group.slice(start, start + BATCH));
    }
    const pids = await waitFor(
      async () => {
        const lists = await Promise.all(accounts.map(async (account) => ((await client.call("listServices", { account })) as ListServicesResponse).services));
        const listed = lists.flat();
        const running = listed.filter((service) => service.status?.state === "running" && service.status.mainPid > 0);
        return running.length === count ? running.map((service) => service.status!.mainPid) : undefined;
      },
      `${count} services running under vigil up`,
      300_000,
      250,
    );
    for (const pid of pids) ledger.record(pid, "vigil up service");
  } finally {
    client.close();
  }
}

export async function runVigilUp(ctx: VigilUpContext): Promise<void> {
  const set = (metric: string, unit: "ms", value: number, note?: string) => ctx.figures.set(UP_SECTION, metric, unit, true, "vigil", value, note);
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-ready-"));
  chmodSync(dir, 0o755);
  try {
    const first = await UpProcess.start(dir);
    ctx.ledger.record(first.up.pid, "vigil up");
    set(UP_METRICS.readyNew, "ms", first.ready.readyMs);
    try {
      await createAndRun(first.ready, join(dir, "homes"), ctx.services, ctx.ledger);
      ctx.log(`vigil up: ${ctx.services} services running; CLI start-up, ${ctx.cliRuns} runs each`);
      const env = first.up.cliEnv();
      const baseline = await medianMs(ctx.cliRuns, process.execPath, ["-e", "0"], env);
      set(UP_METRICS.nodeBaseline, "ms", baseline, `median of ${ctx.cliRuns}`);
      for (const [metric, args] of [
        [UP_METRICS.cliVersion, ["--version"]],
        [UP_METRICS.cliList, ["service", "ls"]],
      ] as const) {
        const ms = await medianMs(ctx.cliRuns, process.execPath, [VIGIL_BIN, ...args], env);
        set(metric, "ms", ms, `median of ${ctx.cliRuns}; ${(ms / baseline).toFixed(1)}× node -e 0${args[0] === "service" ? `, ${ctx.services} services listed` : ""}`);
      }
    } finally {
      await first.up.stop();
    }
    const again = await UpProcess.start(dir);
    ctx.ledger.record(again.up.pid, "vigil up (reopened)");
    set(UP_METRICS.readyReopen, "ms", again.ready.readyMs, `N = ${ctx.services}`);
    await again.up.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
