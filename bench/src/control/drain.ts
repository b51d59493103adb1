// `host drain` at size: 50 accounts x 10 services on one simulated host (a real AgentLink client that
// spawns nothing) moved to another by a `vigil coordinator` process on PostgreSQL + NATS. The probe
// checks both hosts' running sets after every desired state either applies: no service on both.
import { NatsEventPublisher } from "@vigil/agent";
import { createAccount, createToken, registerHost, setHostCordoned } from "@vigil/coordinator";
import { busNames, type Host } from "@vigil/shared";
import type { PidLedger } from "../proc/pid-ledger.js";
import { waitFor } from "../proc/wait.js";
import type { FigureLog } from "../report/figures.js";
import { CONTROL_METRICS } from "../report/targets.js";
import { BenchAdminClient } from "./admin-client.js";
import { startCoordinatorProcess } from "./coordinator-process.js";
import { controlFigureSetter, openControlBackends } from "./control-backends.js";
import { SimulatedHost } from "./simulated-host.js";

const NOBODY = { unixUser: "nobody", uid: 65_534, gid: 65_534 } as const;
export const DRAIN_ACCOUNTS = 50;
export const DRAIN_SERVICES_PER_ACCOUNT = 10;

export async function runDrain(figures: FigureLog, ledger: PidLedger, log: (line: string) => void): Promise<void> {
  const set = controlFigureSetter(figures);
  const total = DRAIN_ACCOUNTS * DRAIN_SERVICES_PER_ACCOUNT;
  const { databaseUrl, natsUrl, prefix, store, cleanups } = await openControlBackends("drain", ledger);
  try {
    const [from, to] = ["drain-a", "drain-b"];
    const tokens = new Map<string, string>();
    for (const host of [from!, to!]) {
      await registerHost(store.db, { name: host, pool: "public" });
      tokens.set(host, (await createToken(store.db, { scope: "host", subject: host })).token);
    }
    const accounts = Array.from({ length: DRAIN_ACCOUNTS }, (_, i) => `tenant-${i}`);
    for (const account of accounts) await createAccount(store.db, { name: account, cloud: "public", ...NOBODY, home: `/nonexistent/${account}` });
    const operator = (await createToken(store.db, { scope: "operator" })).token;
    const coordinator = await startCoordinatorProcess(databaseUrl, natsUrl, prefix);
    ledger.record(coordinator.pid, "vigil coordinator");
    cleanups.unshift(() => coordinator.stop());
    const publisher = new NatsEventPublisher({ servers: natsUrl, name: "vigil-bench-drain-hosts" });
    cleanups.unshift(() => publisher.close());
    const [simA, simB] = [from!, to!].map((host) => new SimulatedHost(host, coordinator.address, tokens.get(host)!, publisher, busNames(prefix))) as [SimulatedHost, SimulatedHost];
    cleanups.unshift(async () => void (await Promise.all([simA.link.stop(), simB.link.stop()])));

    // The probe: a service can only start running where a desired state was just applied.
    let checks = 0;
    const overlaps = new Set<string>();
    const probe = (): void => {
      checks += 1;
      const onA = new Set(simA.runningKeys());
      for (const key of simB.runningKeys()) if (onA.has(key)) overlaps.add(key);
    };
    simA.onApplied = probe;
    simB.onApplied = probe;
    simA.link.start();
    simB.link.start();
    await waitFor(() => (simA.link.state === "connected" && simB.link.state === "connected" ? true : undefined), "both simulated hosts to connect", 60_000, 50);

    // Every account on A: B is cordoned while they are created.
    await setHostCordoned(store.db, to!, true);
    const admin = new BenchAdminClient(coordinator.address, operator);
    cleanups.unshift(async () => admin.close());
    for (const account of accounts) await admin.createServices(account, Array.from({ length: DRAIN_SERVICES_PER_ACCOUNT }, (_, i) => ({ name: `svc-${i}`, command: "exec sleep 1000" })));
    await waitFor(() => (simA.runningKeys().length === total ? true : undefined), `${total} services running on ${from}`, 120_000, 50);
    await setHostCordoned(store.db, to!, false);
    log(`drain: ${total} services of ${DRAIN_ACCOUNTS} accounts on ${from}; draining it`);

    const started = performance.now();
    await admin.call("drainHost", { name: from });
    let host: Host | undefined;
    await waitFor(async () => ((host = (await admin.call("getHost", { name: from })) as Host).draining ? undefined : true), `${from} drained`, 300_000, 50);
    await waitFor(() => (simB.runningKeys().length === total && simA.runningKeys().length === 0 ? true : undefined), `all ${total} running on ${to}`, 60_000, 10);
    const seconds = (performance.now() - started) / 1000;
    log(`drain: ${total} services moved in ${seconds.toFixed(1)} s; ${host?.drainMessage}; probe: ${checks} checks, ${overlaps.size} on both hosts`);
    set(CONTROL_METRICS.drainSeconds, "s", seconds, `${DRAIN_ACCOUNTS} accounts x ${DRAIN_SERVICES_PER_ACCOUNT} services from one simulated host (AgentLink client, no processes) to another, one account at a time, until the target runs all ${total}`);
    set(CONTROL_METRICS.drainOverlaps, "count", overlaps.size, `services seen in both hosts' running sets; checked after each of the ${checks} desired states the two hosts applied`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => log(`drain cleanup: ${String(error)}`));
  }
}
