// The coordinator at scale: H simulated hosts (real AgentLink clients, no processes) with S services
// each, created through the Admin API against one `vigil coordinator` on PostgreSQL + NATS, then
// the sustained load of heartbeats and exit/restart bursts (scale-load.ts) for the given duration.
import { NatsEventPublisher } from "@vigil/agent";
import { createAccount, createToken, queryRows, registerHost } from "@vigil/coordinator";
import { busNames } from "@vigil/shared";
import { sql } from "drizzle-orm";
import type { PidLedger } from "../proc/pid-ledger.js";
import { CLOCK_TICKS_PER_SECOND, cpuTicks, rssKiB } from "../proc/proc-info.js";
import { waitFor } from "../proc/wait.js";
import type { FigureLog } from "../report/figures.js";
import { CONTROL_METRICS } from "../report/targets.js";
import { BenchAdminClient } from "./admin-client.js";
import { startCoordinatorProcess } from "./coordinator-process.js";
import { controlFigureSetter, openControlBackends } from "./control-backends.js";
import { SimulatedHost } from "./simulated-host.js";
import { DEFAULT_LOAD, runSustainedLoad } from "./scale-load.js";
import { percentile } from "../stats.js";
import { loadavg } from "node:os";

const NOBODY = { unixUser: "nobody", uid: 65_534, gid: 65_534 } as const;
export const SCALE_SERVICES_PER_HOST = 20;

/** Runs `work` over `items` with at most `limit` in flight, starting none after `deadline` (performance.now()); returns how many ran. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, deadline = Infinity): Promise<number> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length && performance.now() < deadline) await work(items[next++]!);
    }),
  );
  return Math.min(next, items.length);
}

/**
 * Batches (CreateServices, one account each) in flight. One at a time per create was ~31-44/s;
 * batches share the two cores with PostgreSQL and the simulated hosts, so a few in flight suffice.
 */
const CREATE_CONCURRENCY = 4;
/** The run must end within the bench's budget: creation stops here, and the figure says how far it got. */
const CREATE_BUDGET_MS = 90_000;

/** Simulated hosts share a few NATS connections: the publishing side is not what is measured. */
const PUBLISHER_CONNECTIONS = 8;

export async function runScale(hostCount: number, perHost: number, sustainMs: number, figures: FigureLog, ledger: PidLedger, log: (line: string) => void): Promise<void> {
  const set = controlFigureSetter(figures);
  const total = hostCount * perHost;
  const { databaseUrl, natsUrl, prefix, store, cleanups } = await openControlBackends("scale", ledger);
  try {
    const hosts = Array.from({ length: hostCount }, (_, i) => `sim-${i}`);
    const tokens = new Map<string, string>();
    await inParallel(hosts, 16, async (host) => {
      await registerHost(store.db, { name: host, pool: "public" });
      tokens.set(host, (await createToken(store.db, { scope: "host", subject: host })).token);
      await createAccount(store.db, { name: `acct-${host.slice(4)}`, cloud: "public", ...NOBODY, home: `/nonexistent/${host}` });
    });
    const operator = (await createToken(store.db, { scope: "operator" })).token;
    const coordinator = await startCoordinatorProcess(databaseUrl, natsUrl, prefix);
    ledger.record(coordinator.pid, "vigil coordinator");
    cleanups.unshift(() => coordinator.stop());
    const rssIdle = rssKiB(coordinator.pid) / 1024;
    const publishers = Array.from({ length: PUBLISHER_CONNECTIONS }, (_, i) => new NatsEventPublisher({ servers: natsUrl, name: `vigil-bench-simulated-hosts-${i}` }));
    cleanups.unshift(async () => void (await Promise.all(publishers.map((publisher) => publisher.close()))));
    const sims = hosts.map((host, i) => new SimulatedHost(host, coordinator.address, tokens.get(host)!, publishers[i % PUBLISHER_CONNECTIONS]!, busNames(prefix)));
    cleanups.unshift(async () => void (await Promise.all(sims.map((sim) => sim.link.stop()))));
    for (const sim of sims) sim.link.start();
    await waitFor(() => (sims.every((sim) => sim.link.state === "connected") ? true : undefined), `${hostCount} simulated hosts to connect`, 120_000, 100);
    log(`scale: ${hostCount} simulated hosts connected`);

    const admin = new BenchAdminClient(coordinator.address, operator);
    cleanups.unshift(async () => admin.close());
    let lastDelivery = 0;
    for (const sim of sims) sim.onApplied = () => (lastDelivery = performance.now());
    // Account by account, in order, as a migration of existing customers would arrive.
    const batches = hosts.map((host) => ({ account: `acct-${host.slice(4)}`, services: Array.from({ length: perHost }, (_, i) => ({ name: `svc-${i}`, command: "exec sleep 1000" })) }));
    const cpuBefore = cpuTicks(coordinator.pid);
    const started = performance.now();
    const created = perHost * (await inParallel(batches, CREATE_CONCURRENCY, (b) => admin.createServices(b.account, b.services), started + CREATE_BUDGET_MS));
    const createdMs = performance.now() - started;
    const deliveredCount = (): number => sims.reduce((sum, sim) => sum + sim.serviceCount, 0);
    await waitFor(() => (deliveredCount() >= created ? true : undefined), `all ${created} created services delivered`, 300_000, 20);
    const placedS = (lastDelivery - started) / 1000;
    const complete = created === total;
    log(`scale: ${created} of ${total} services created in ${(createdMs / 1000).toFixed(1)} s, delivered after ${placedS.toFixed(1)} s`);

    const count = async (): Promise<number> => (await queryRows<{ n: number }>(store.db, sql`select count(*)::int as n from events where account <> ''`))[0]?.n ?? 0;
    let ingested = 0;
    await waitFor(async () => ((ingested = await count()) >= created ? true : undefined), `${created} events in the database`, 120_000, 250).catch(() => undefined);
    const ingestS = (performance.now() - started) / 1000;
    const cpuS = (cpuTicks(coordinator.pid) - cpuBefore) / CLOCK_TICKS_PER_SECOND;

    const changeStarted = performance.now();
    await admin.call("updateService", { account: "acct-0", name: "svc-0", command: "exec sleep 1001" });
    await waitFor(() => (sims[0]!.command("svc-0") === "exec sleep 1001" ? true : undefined), "the change to reach sim-0", 60_000, 1);
    const changeMs = performance.now() - changeStarted;

    const load = await runSustainedLoad(sims, admin, coordinator.pid, { ...DEFAULT_LOAD, durationMs: sustainMs }, log);
    const published = sims.reduce((sum, sim) => sum + sim.publishedEvents, 0);
    const stored = await waitFor(async () => {
      const n = await count();
      return n >= published ? n : undefined;
    }, `${published} events in the database`, 60_000, 500).catch(count);

    const rate = created / (createdMs / 1000);
    set(
      CONTROL_METRICS.scalePlaced,
      "s",
      complete ? placedS : null,
      complete
        ? `${hostCount} hosts × ${perHost}; created through the Admin API's CreateServices (one call per account, ${CREATE_CONCURRENCY} in flight) at ${rate.toFixed(0)}/s`
        : `only ${created} of ${total} created through the Admin API within ${CREATE_BUDGET_MS / 1000} s (${rate.toFixed(0)}/s, ${CREATE_CONCURRENCY} batches in flight; all ${total} would take ~${(total / rate).toFixed(0)} s); those were delivered to their hosts ${placedS.toFixed(1)} s after the first call`,
    );
    set("scale: one change to reach its host", "ms", changeMs);
    set("scale: events ingested per second", "count", ingested / ingestS, "from the first create until the last event was in the database (bounded by the creation rate)", false);
    set(CONTROL_METRICS.scaleLost, "count", Math.max(0, published - stored), `${stored} service events stored of ${published} published (creation and sustained phase); ${sims.reduce((sum, sim) => sum + sim.failed, 0)} publishes failed`);
    set("scale: coordinator CPU while placing and ingesting", "% of a core", (cpuS / ingestS) * 100, `${cpuS.toFixed(1)} CPU-s over ${ingestS.toFixed(1)} s`);
    const [l1, l5] = loadavg();
    const shape = `${hostCount} hosts × ${perHost}, heartbeats every ${DEFAULT_LOAD.heartbeatMs / 1000} s with every status (${(load.statuses / load.seconds).toFixed(0)} statuses/s), ${DEFAULT_LOAD.exitsPerSecond} exits/s plus ${DEFAULT_LOAD.burstHosts} hosts' services all at once every ${DEFAULT_LOAD.burstEveryMs / 1000} s (${(load.events / load.seconds).toFixed(0)} events/s), for ${load.seconds.toFixed(0)} s; load average ${l1!.toFixed(2)} (1 min), ${l5!.toFixed(2)} (5 min) at the end`;
    set(CONTROL_METRICS.scaleIngestLagP99, "ms", percentile(load.lagMs, 99), `${shape}; publication to WatchEvents arrival (committed, with its status) of ${load.lagMs.length} events, p50 ${(percentile(load.lagMs, 50) ?? 0).toFixed(0)} ms; ${load.missing} never arrived`);
    set(CONTROL_METRICS.scaleExitP99, "ms", percentile(load.exitMs, 99), `${load.exitMs.length} exits under that load, p50 ${(percentile(load.exitMs, 50) ?? 0).toFixed(0)} ms`);
    set("scale: coordinator RSS, idle -> most under load", "MiB", load.maxRssMiB, `${rssIdle.toFixed(0)} MiB right after start (includes the tsx loader)`);
    set("scale: coordinator CPU under the sustained load", "% of a core", load.cpuPercent, `over ${load.seconds.toFixed(0)} s`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log(`scale cleanup: ${String(error)}`));
  }
}
