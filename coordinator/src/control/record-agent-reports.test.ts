// Tests of recording agent heartbeats on PGlite and PostgreSQL: a fixed number of statements
// whatever the number of services, only services placed on the reporting host, older ones ignored.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BusMessage, HostHeartbeat, ServiceStatus } from "@vigil/shared";
import { type Store } from "../store/open-store.js";
import { createAccount } from "../store/repositories/accounts.js";
import { upsertHostOnHello } from "../store/repositories/hosts.js";
import { createService, getService } from "../store/repositories/services.js";
import { applyStatus, getServiceStatus } from "../store/repositories/status.js";
import { sampleAccount, sampleSpec } from "../store/testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../store/testing/test-stores.js";
import { AgentReportRecorder } from "./record-agent-reports.js";

const t0 = Date.parse("2026-01-01T00:00:00Z");
const names = (count: number) => Array.from({ length: count }, (_, index) => `web-${index}`);

function heartbeat(host: string, atMs: number, services: readonly { name: string; pid: number; state?: string }[]) {
  const body = HostHeartbeat.fromPartial({
    id: `${host}-${atMs}`,
    host,
    atMs,
    services: services.map(({ name, pid, state }) =>
      ServiceStatus.fromPartial({ service: { account: "acme", name }, host, state: state ?? "running", mainPid: pid, startedAtMs: atMs - 500, restarts: 2, processes: [{ pid, ppid: 1, user: "acme", command: name }] }),
    ),
  });
  return { subject: `vigil.events.${host}.heartbeat`, messageId: body.id, data: BusMessage.encode({ body: { $case: "heartbeat", value: body } }).finish(), redelivered: false, attempt: 1 };
}

async function setUp(store: Store, services: readonly string[], host = "a"): Promise<void> {
  await createAccount(store.db, sampleAccount("acme"));
  for (const name of ["a", "b"]) await upsertHostOnHello(store.db, { name, agentVersion: "0.1.0", capacity: 1000, now: new Date(t0) });
  for (const name of services) await createService(store.db, { account: "acme", spec: sampleSpec(name), host });
}

for (const backend of testStoreBackends) {
  describe(`heartbeats on ${backend.name}`, () => {
    test("a heartbeat costs the same number of statements for 3 services as for 60, and records every one", async () => {
      let statements = 0;
      const logger = { logQuery: () => void statements++ };
      const counts: number[] = [];
      for (const count of [3, 60]) {
        await withTestStore(
          backend,
          async (store) => {
            await setUp(store, names(count));
            const recorder = new AgentReportRecorder({ store, notifier: { hostsChanged: () => undefined } });
            statements = 0;
            await recorder.handle(heartbeat("a", t0 + 1000, names(count).map((name, index) => ({ name, pid: 1000 + index }))));
            counts.push(statements);
            for (const [index, name] of names(count).entries()) {
              const status = await getServiceStatus(store.db, { account: "acme", name });
              assert.deepEqual([status?.state, status?.mainPid, status?.restarts, status?.host, status?.processes.map((p) => p.pid)], ["running", 1000 + index, 2, "a", [1000 + index]]);
              assert.equal(status?.startedAt?.getTime(), t0 + 500);
            }
          },
          { logger },
        );
      }
      assert.equal(counts[0], counts[1], `statements for 3 and 60 services: ${counts.join(" and ")}`);
      // begin, the statuses, the host seen, commit.
      assert.ok(counts[0]! <= 4, `a heartbeat took ${counts[0]} statements`);
    });

    test("a heartbeat leaves alone services placed on another host and services that do not exist", () =>
      withTestStore(backend, async (store) => {
        await setUp(store, ["web-0"], "b");
        const recorder = new AgentReportRecorder({ store, notifier: { hostsChanged: () => undefined } });
        await recorder.handle(heartbeat("a", t0 + 1000, [{ name: "web-0", pid: 1 }, { name: "ghost", pid: 2 }]));
        assert.equal(await getServiceStatus(store.db, { account: "acme", name: "web-0" }), null);
      }));

    test("a heartbeat older than the status its host last reported changes nothing; a newer one wins", () =>
      withTestStore(backend, async (store) => {
        await setUp(store, ["web-0", "web-1"]);
        const recorder = new AgentReportRecorder({ store, notifier: { hostsChanged: () => undefined } });
        await recorder.handle(heartbeat("a", t0 + 5000, [{ name: "web-0", pid: 50 }]));
        await recorder.handle(heartbeat("a", t0 + 4000, [{ name: "web-0", pid: 40, state: "stopped" }, { name: "web-1", pid: 41 }]));
        assert.deepEqual(
          [(await getServiceStatus(store.db, { account: "acme", name: "web-0" }))?.mainPid, (await getServiceStatus(store.db, { account: "acme", name: "web-1" }))?.mainPid],
          [50, 41],
        );
        await recorder.handle(heartbeat("a", t0 + 6000, [{ name: "web-0", pid: 0, state: "stopped" }]));
        const stopped = await getServiceStatus(store.db, { account: "acme", name: "web-0" });
        assert.deepEqual([stopped?.state, stopped?.mainPid], ["stopped", null]);
      }));

    test("a heartbeat from the host that now runs a service overrides the status another host reported later", () =>
      withTestStore(backend, async (store) => {
        await setUp(store, ["web-0"]);
        const { id } = await getService(store.db, { account: "acme", name: "web-0" });
        await applyStatus(store.db, id, { host: "b", state: "stopped", at: new Date(t0 + 9000), sequence: (t0 + 9000) * 1000 });
        const recorder = new AgentReportRecorder({ store, notifier: { hostsChanged: () => undefined } });
        await recorder.handle(heartbeat("a", t0 + 1000, [{ name: "web-0", pid: 7 }]));
        const status = await getServiceStatus(store.db, { account: "acme", name: "web-0" });
        assert.deepEqual([status?.host, status?.state, status?.mainPid], ["a", "running", 7]);
      }));
  });
}
