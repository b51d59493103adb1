// Two `vigil coordinator` processes on one PostgreSQL and NATS, H simulated hosts (real AgentLink
// clients) given both addresses: kill -9 of the first, then the time until every host it held is
// welcomed by the second, and a restart issued through the second to a host.
import { loadavg } from "node:os";
import { createAccount, createToken, registerHost } from "@vigil/coordinator";
import { busNames, type EventPublisher, ServiceInput } from "@vigil/shared";
import type { PidLedger } from "../proc/pid-ledger.js";
import { CLOCK_TICKS_PER_SECOND, cpuTicks } from "../proc/proc-info.js";
import { waitFor } from "../proc/wait.js";
import type { FigureLog } from "../report/figures.js";
import { CONTROL_METRICS } from "../report/targets.js";
import { percentile } from "../stats.js";
import { BenchAdminClient } from "./admin-client.js";
import { startCoordinatorProcess } from "./coordinator-process.js";
import { controlFigureSetter, openControlBackends } from "./control-backends.js";
import { SimulatedHost } from "./simulated-host.js";

const NOBODY = { unixUser: "nobody", uid: 65_534, gid: 65_534 } as const;
/** The simulated hosts publish nothing in this run (their one service is created before they connect). */
const NO_EVENTS: EventPublisher = { publish: () => Promise.reject(new Error("no events in the failover run")), close: async () => undefined };

export async function runFailover(hostCount: number, figures: FigureLog, ledger: PidLedger, log: (line: string) => void): Promise<void> {
  const set = controlFigureSetter(figures);
  const { databaseUrl, natsUrl, prefix, store, cleanups } = await openControlBackends("failover", ledger);
  try {
    const hosts = Array.from({ length: hostCount }, (_, i) => `fo-${i}`);
    const tokens = new Map<string, string>();
    for (const host of hosts) {
      await registerHost(store.db, { name: host, pool: "public" });
      tokens.set(host, (await createToken(store.db, { scope: "host", subject: host })).token);
    }
    await createAccount(store.db, { name: "acct-0", cloud: "public", ...NOBODY, home: "/nonexistent/acct-0" });
    const operator = (await createToken(store.db, { scope: "operator" })).token;
    const first = await startCoordinatorProcess(databaseUrl, natsUrl, prefix);
    ledger.record(first.pid, "vigil coordinator (first)");
    cleanups.unshift(() => first.stop());
    const second = await startCoordinatorProcess(databaseUrl, natsUrl, prefix);
    ledger.record(second.pid, "vigil coordinator (second)");
    cleanups.unshift(() => second.stop());
    const sims = hosts.map((host) => new SimulatedHost(host, [first.address, second.address], tokens.get(host)!, NO_EVENTS, busNames(prefix)));
    cleanups.unshift(async () => void (await Promise.all(sims.map((sim) => sim.link.stop()))));
    for (const sim of sims) sim.link.start();
    // Agents dial the first address first; one the first coordinator is slow to welcome under the
    // storm of Hellos fails over to the second and stays there. Those on the first are what is measured.
    await waitFor(() => (sims.every((sim) => sim.link.state === "connected") ? true : undefined), `${hostCount} simulated hosts connected`, 120_000, 50);
    const moving = sims.filter((sim) => sim.link.address === first.address);
    const admin = new BenchAdminClient(second.address, operator);
    cleanups.unshift(async () => admin.close());
    const placed = (await admin.call("createService", { account: "acct-0", service: ServiceInput.fromPartial({ name: "svc-0", command: "exec sleep 1000" }) })) as { host: string };
    const target = sims.find((sim) => sim.name === placed.host)!;
    await waitFor(() => (target.command("svc-0") !== undefined ? true : undefined), "svc-0 delivered to its host", 60_000, 5);
    log(`failover: ${moving.length} of ${hostCount} simulated hosts on the first coordinator; kill -9 of it`);

    const cpuBefore = cpuTicks(second.pid);
    const killedAt = performance.now();
    process.kill(first.pid, "SIGKILL");
    const reconnectedAt = new Map<string, number>();
    await waitFor(() => {
      for (const sim of moving) if (!reconnectedAt.has(sim.name) && sim.link.state === "connected" && sim.link.address === second.address) reconnectedAt.set(sim.name, sim.welcomedAt! - killedAt);
      return reconnectedAt.size === moving.length ? true : undefined;
    }, `${moving.length} simulated hosts on the second coordinator`, 120_000, 5);
    const busyS = (performance.now() - killedAt) / 1000;
    const cpuS = (cpuTicks(second.pid) - cpuBefore) / CLOCK_TICKS_PER_SECOND;
    const restartStarted = performance.now();
    await admin.call("restartService", { account: "acct-0", name: "svc-0" });
    const restartMs = performance.now() - restartStarted;
    const times = [...reconnectedAt.values()];
    set(CONTROL_METRICS.failoverRestart, "ms", restartMs, "RestartService through the surviving coordinator, right after, until its host's answer");
    if (times.length === 0) {
      set(CONTROL_METRICS.failoverReconnected, "s", null, `no simulated host was on the first coordinator (all ${hostCount} went to the second)`);
      return;
    }
    const maxS = Math.max(...times) / 1000;
    const deciles = [10, 25, 50, 75, 90].map((p) => `p${p} ${((percentile(times, p) ?? 0) / 1000).toFixed(2)}`).join(", ");
    const lost = moving.map((sim) => sim.disconnectedAt! - killedAt);
    log(`failover: links saw the first coordinator gone after ${[10, 50, 90, 100].map((p) => `p${p} ${((percentile(lost, p) ?? 0) / 1000).toFixed(2)}`).join(", ")} s`);
    log(`failover: every host on the second coordinator after ${maxS.toFixed(2)} s (${deciles} s); restart through it answered in ${restartMs.toFixed(0)} ms; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    const p50S = (percentile(times, 50) ?? 0) / 1000;
    set(
      CONTROL_METRICS.failoverReconnected,
      "s",
      maxS,
      `${moving.length} of ${hostCount} simulated hosts (CoordinatorLink with both addresses) held by the coordinator killed with -9; p50 ${p50S.toFixed(2)} s; the survivor used ${cpuS.toFixed(2)} CPU-s (${((cpuS / busyS) * 100).toFixed(0)}% of a core) meanwhile; load average ${loadavg()[0]!.toFixed(1)} (1 min) at the end`,
    );
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log(`failover cleanup: ${String(error)}`));
  }
}
