// Reattach: N services running under `vigil agent` (in-process, with its coordinator, link and
// reporter), the agent stopped leaving them running, a new agent started on the same state
// directory: how long until it supervises every one again, and how many were restarted (target 0).
import { join } from "node:path";
import { recordingLogger } from "@vigil/shared/logging";
import { benchAccounts, byAccount } from "../vigil/bench-accounts.js";
import type { PidLedger } from "../proc/pid-ledger.js";
import { waitFor } from "../proc/wait.js";
import type { FigureLog } from "../report/figures.js";
import { CONTROL_METRICS, CONTROL_SECTION } from "../report/targets.js";
import { BenchAdminClient } from "./admin-client.js";
import { BENCH_ACCOUNT, startControlStack } from "./control-stack.js";

export async function runReattach(services: number, figures: FigureLog, ledger: PidLedger, log: (line: string) => void): Promise<void> {
  const lines: string[] = [];
  const stack = await startControlStack("embedded", recordingLogger(lines).logger);
  const admin = new BenchAdminClient(stack.coordinator.address, stack.operatorToken);
  try {
    const names = Array.from({ length: services }, (_, i) => ({ name: `ra-${i}`, command: "exec sleep 100000" }));
    const accounts = await benchAccounts(admin, join(stack.home, "accounts"), BENCH_ACCOUNT, services);
    for (const [account, group] of byAccount(accounts, names)) await admin.createServices(account, group);
    const mainPids = async (): Promise<Map<string, number>> => {
      const status = await stack.agent.supervisor.status();
      return new Map(status.filter((service) => service.state === "running" && service.mainPid !== null).map((service) => [service.key, service.mainPid!]));
    };
    const before = await waitFor(async () => {
      const running = await mainPids();
      return running.size === services ? running : undefined;
    }, `${services} services running`, 300_000, 100);
    for (const [key, pid] of before) ledger.record(pid, `reattach ${key}`);

    const stoppedAt = performance.now();
    const { agent, startedAt: restartedAt } = await stack.restartAgent();
    const after = await waitFor(async () => {
      const running = await mainPids();
      return running.size === services ? running : undefined;
    }, `${services} services supervised again`, 300_000, 5);
    const supervisedAt = performance.now();
    const restarted = [...before].filter(([key, pid]) => after.get(key) !== pid).length;
    const unadopted = (await agent.supervisor.status()).filter((service) => service.restarts > 0).length;
    const total = (supervisedAt - stoppedAt) / 1000;
    const reattach = (supervisedAt - restartedAt) / 1000;
    figures.set(CONTROL_SECTION, CONTROL_METRICS.reattachSeconds, "s", true, "vigil", reattach, `${services} services, from the new agent's start; with the old agent's stop ${total.toFixed(2)} s`);
    figures.set(CONTROL_SECTION, CONTROL_METRICS.reattachRestarted, "count", true, "vigil", restarted + unadopted);
    for (const peer of ["supervisord", "pm2"] as const) {
      figures.set(CONTROL_SECTION, CONTROL_METRICS.reattachSeconds, "s", true, peer, null, "restarts every service with its daemon");
      figures.set(CONTROL_SECTION, CONTROL_METRICS.reattachRestarted, "count", true, peer, null, "restarts every service with its daemon");
    }
    log(`reattach of ${services}: ${reattach.toFixed(2)} s after the new agent started (${total.toFixed(2)} s from the stop), ${restarted} restarted`);
  } finally {
    admin.close();
    await stack.close();
  }
}
