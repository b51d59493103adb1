// Tests of the event history and service status on PGlite and on the real PostgreSQL: events are
// recorded once per message id with their status, listed with filters, pruned, and marked unknown.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Db } from "../db.js";
import { NotFoundError } from "../errors.js";
import { sampleAccount, sampleSpec } from "../testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../testing/test-stores.js";
import { createAccount } from "./accounts.js";
import { listEvents, pruneEvents, recordServiceEvent, type ServiceEventInput } from "./events.js";
import { registerHost } from "./hosts.js";
import { createService, deleteService } from "./services.js";
import { getServiceStatus, listServiceStatuses, markHostServicesUnknown, reportServiceStatus } from "./status.js";

const t0 = Date.parse("2026-01-01T00:00:00Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const web = { account: "alice", name: "web" };

function event(id: string, seconds: number, overrides: Partial<ServiceEventInput> = {}): ServiceEventInput {
  return { id, host: "svc1", account: "alice", service: "web", kind: "started", state: "running", at: at(seconds), sequence: seconds, ...overrides };
}

async function setUp(db: Db): Promise<void> {
  await createAccount(db, sampleAccount("alice"));
  await createAccount(db, sampleAccount("bob"));
  await registerHost(db, { name: "svc1", pool: "public" });
  await registerHost(db, { name: "svc2", pool: "public" });
  await createService(db, { account: "alice", spec: sampleSpec("web"), host: "svc1" });
  await createService(db, { account: "alice", spec: sampleSpec("api"), host: "svc1" });
  await createService(db, { account: "bob", spec: sampleSpec("db"), host: "svc2" });
}

function pick(status: { logDegraded: boolean; logLinesDropped: number; processesOmitted: number } | null) {
  return status && { logDegraded: status.logDegraded, logLinesDropped: status.logLinesDropped, processesOmitted: status.processesOmitted };
}

for (const backend of testStoreBackends) {
  describe(`store on ${backend.name}`, () => {
    test("an event is stored with the status it implies, in one step", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        const result = await recordServiceEvent(db, event("m1", 1, { payload: { message: "started" }, status: { mainPid: 4242, startedAt: at(1), restarts: 2 } }));
        assert.deepEqual(result, { inserted: true, statusApplied: true });
        const status = await getServiceStatus(db, web);
        assert.deepEqual(
          status && { state: status.state, host: status.host, mainPid: status.mainPid, startedAt: status.startedAt, restarts: status.restarts, updatedAt: status.updatedAt, lastExit: status.lastExit },
          { state: "running", host: "svc1", mainPid: 4242, startedAt: at(1), restarts: 2, updatedAt: at(1), lastExit: null },
        );
        const [stored] = await listEvents(db);
        assert.deepEqual(stored && [stored.id, stored.kind, stored.payload], ["m1", "started", { message: "started" }]);
      }));

    test("a redelivered event is stored once and does not touch the status again", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        await recordServiceEvent(db, event("m1", 1, { status: { mainPid: 100 } }));
        await recordServiceEvent(db, event("m2", 2, { kind: "exited", state: "backoff", status: { mainPid: null, lastExit: { code: 1, signal: null, at: at(2) } } }));
        assert.deepEqual(await recordServiceEvent(db, event("m1", 1, { status: { mainPid: 100 } })), { inserted: false, statusApplied: false });
        assert.deepEqual((await listEvents(db)).map((e) => e.id), ["m2", "m1"]);
        const status = await getServiceStatus(db, web);
        assert.deepEqual(status && [status.state, status.mainPid, status.lastExit], ["backoff", null, { code: 1, signal: null, at: at(2), reason: "" }]);
      }));

    test("an older event arriving late is kept in history but does not overwrite newer status", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        await recordServiceEvent(db, event("m5", 5, { kind: "stopped", state: "stopped" }));
        assert.deepEqual(await recordServiceEvent(db, event("m3", 3)), { inserted: true, statusApplied: false });
        assert.equal((await getServiceStatus(db, web))?.state, "stopped");
        assert.equal((await listEvents(db)).length, 2);
      }));

    test("an event of a deleted service is kept in history without a status", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        await deleteService(db, web);
        assert.deepEqual(await recordServiceEvent(db, event("m1", 1)), { inserted: true, statusApplied: false });
        assert.deepEqual((await listEvents(db, { service: "web" })).map((e) => e.id), ["m1"]);
      }));

    test("events are listed newest first, filtered by account, service, host, kind and time, and limited", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        await recordServiceEvent(db, event("a1", 1));
        await recordServiceEvent(db, event("a2", 2, { kind: "exited", state: "backoff" }));
        await recordServiceEvent(db, event("a3", 3, { service: "api" }));
        await recordServiceEvent(db, event("b1", 4, { account: "bob", service: "db", host: "svc2" }));
        const ids = async (filter: Parameters<typeof listEvents>[1]) => (await listEvents(db, filter)).map((e) => e.id);
        assert.deepEqual(await ids({}), ["b1", "a3", "a2", "a1"]);
        assert.deepEqual(await ids({ account: "alice" }), ["a3", "a2", "a1"]);
        assert.deepEqual(await ids({ account: "alice", service: "web" }), ["a2", "a1"]);
        assert.deepEqual(await ids({ host: "svc2" }), ["b1"]);
        assert.deepEqual(await ids({ kind: "exited" }), ["a2"]);
        assert.deepEqual(await ids({ since: at(2) }), ["b1", "a3", "a2"]);
        assert.deepEqual(await ids({ limit: 2 }), ["b1", "a3"]);
      }));

    test("pruning keeps the newest N events of each service and drops those older than the cutoff", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        for (let i = 1; i <= 5; i++) await recordServiceEvent(db, event(`w${i}`, 100 + i));
        for (let i = 1; i <= 2; i++) await recordServiceEvent(db, event(`d${i}`, 100 + i, { account: "bob", service: "db", host: "svc2" }));
        await recordServiceEvent(db, event("old", 1, { service: "api" }));
        assert.equal(await pruneEvents(db, { keepPerService: 3, olderThan: at(50) }), 3);
        assert.deepEqual((await listEvents(db)).map((e) => e.id).sort(), ["d1", "d2", "w3", "w4", "w5"]);
        assert.equal(await pruneEvents(db, { keepPerService: 3, olderThan: at(50) }), 0);
      }));

    test("a heartbeat's status applies unless newer status is stored", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        await recordServiceEvent(db, event("m4", 4));
        const processes = [{ pid: 10, ppid: 1, user: "alice", command: "node app.js", cpuPercent: 1.5, rssBytes: 1024 }];
        assert.equal(await reportServiceStatus(db, web, { host: "svc1", state: "running", at: at(10), sequence: 4, processes }), true);
        assert.deepEqual((await getServiceStatus(db, web))?.processes, processes);
        assert.equal(await reportServiceStatus(db, web, { host: "svc1", state: "stopped", at: at(11), sequence: 3 }), false);
        assert.equal((await getServiceStatus(db, web))?.state, "running");
        await assert.rejects(reportServiceStatus(db, { account: "alice", name: "nope" }, { host: "svc1", state: "running", at: at(1) }), NotFoundError);
      }));

    test("a log that cannot be written is flagged in status from a heartbeat or a log-write event, and cleared again", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        await reportServiceStatus(db, web, { host: "svc1", state: "running", at: at(10), sequence: 4, logDegraded: true, logLinesDropped: 12, processesOmitted: 3 });
        assert.deepEqual(pick(await getServiceStatus(db, web)), { logDegraded: true, logLinesDropped: 12, processesOmitted: 3 });
        await recordServiceEvent(db, event("m5", 5, { kind: "log-write-recovered", state: "running", status: { logDegraded: false } }));
        assert.equal((await getServiceStatus(db, web))?.logDegraded, false);
        await recordServiceEvent(db, event("m6", 6, { kind: "log-write-failed", state: "running", status: { logDegraded: true } }));
        assert.equal((await getServiceStatus(db, web))?.logDegraded, true);
        assert.deepEqual((await listEvents(db)).map((e) => e.kind).sort(), ["log-write-failed", "log-write-recovered"], "both kinds are kept in the history");
      }));

    test("the services of a host that went down become unknown until it reports again", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        await recordServiceEvent(db, event("m1", 1));
        assert.equal(await markHostServicesUnknown(db, "svc1", at(60)), 2);
        const statuses = await listServiceStatuses(db, { host: "svc1" });
        assert.deepEqual(statuses.map((s) => [s.service, s.state]), [["api", "unknown"], ["web", "unknown"]]);
        assert.deepEqual((await listServiceStatuses(db, { account: "bob" })).map((s) => s.state), []);
        await recordServiceEvent(db, event("m2", 70));
        assert.equal((await getServiceStatus(db, web))?.state, "running");
        await assert.rejects(markHostServicesUnknown(db, "nohost", at(1)), NotFoundError);
      }));

    test("a service its agent never reported has no status yet", () =>
      withTestStore(backend, async ({ db }) => {
        await setUp(db);
        assert.equal(await getServiceStatus(db, web), null);
        await assert.rejects(getServiceStatus(db, { account: "alice", name: "nope" }), NotFoundError);
      }));
  });
}
