// Tests of the service repository on PGlite and on the real PostgreSQL: create, read, list,
// update with revisions, delete, desired state, disable/enable, placement and desired state per host.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AlreadyExistsError, ConflictError, NotFoundError } from "../errors.js";
import { sampleAccount, sampleSpec } from "../testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../testing/test-stores.js";
import { createAccount } from "./accounts.js";
import { getHostDesiredState, getHostRevision } from "./desired-state.js";
import { getHost, registerHost } from "./hosts.js";
import { disableService, enableService, setDesiredState, setPlacement } from "./service-changes.js";
import { createService, deleteService, findService, getService, listServices, updateService } from "./services.js";

const web = { account: "alice", name: "web" };
const healthCheck = { command: "curl -fsS localhost:$PORT/health", intervalMs: 30_000, timeoutMs: 5_000, graceMs: 10_000 };

for (const backend of testStoreBackends) {
  describe(`store on ${backend.name}`, () => {
    test("a created service reads back with its whole spec, ports, placement and revision", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await registerHost(db, { name: "svc1", pool: "public" });
        const spec = sampleSpec("web", { workingDirectory: "app", environment: { NODE_ENV: "production" }, healthCheck, annotation: "the shop", stopSignal: "SIGINT", stopTimeoutMs: 3000 });
        const created = await createService(db, { account: "alice", spec, host: "svc1" });
        const read = await getService(db, web);
        assert.deepEqual(read, created);
        assert.deepEqual(read.spec, spec);
        assert.deepEqual([read.account, read.host, read.ports, read.desiredState, read.disabledReason], ["alice", "svc1", [8300], "running", ""]);
        assert.ok(read.revision > 0);
      }));

    test("service names are unique per account, not across accounts", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await createAccount(db, sampleAccount("bob"));
        await createService(db, { account: "alice", spec: sampleSpec("web") });
        await createService(db, { account: "bob", spec: sampleSpec("web") });
        await assert.rejects(createService(db, { account: "alice", spec: sampleSpec("web") }), (error: unknown) => error instanceof AlreadyExistsError && error.message === "name: service web already exists in account alice");
        assert.deepEqual((await listServices(db)).map((s) => `${s.account}/${s.spec.name}`), ["alice/web", "bob/web"]);
      }));

    test("services are listed by account and by host", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await createAccount(db, sampleAccount("bob"));
        await registerHost(db, { name: "svc1", pool: "public" });
        await createService(db, { account: "alice", spec: sampleSpec("web"), host: "svc1" });
        await createService(db, { account: "alice", spec: sampleSpec("api") });
        await createService(db, { account: "bob", spec: sampleSpec("db"), host: "svc1" });
        assert.deepEqual((await listServices(db, { account: "alice" })).map((s) => s.spec.name), ["api", "web"]);
        assert.deepEqual((await listServices(db, { host: "svc1" })).map((s) => `${s.account}/${s.spec.name}`), ["alice/web", "bob/db"]);
        assert.deepEqual(await listServices(db, { account: "carol" }), []);
      }));

    test("a missing service or account is not found, naming the field", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        assert.equal(await findService(db, web), null);
        await assert.rejects(getService(db, web), (error: unknown) => error instanceof NotFoundError && error.message === "service: service alice/web does not exist");
        await assert.rejects(deleteService(db, web), NotFoundError);
        await assert.rejects(updateService(db, web, sampleSpec("web")), NotFoundError);
        await assert.rejects(createService(db, { account: "nobody", spec: sampleSpec("web") }), (error: unknown) => error instanceof NotFoundError && error.field === "account");
        await assert.rejects(createService(db, { account: "alice", spec: sampleSpec("web"), host: "nohost" }), (error: unknown) => error instanceof NotFoundError && error.field === "host");
        assert.deepEqual(await listServices(db), []);
      }));

    test("updating a service replaces its spec and bumps its revision and its host's", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await registerHost(db, { name: "svc1", pool: "public" });
        const before = await createService(db, { account: "alice", spec: sampleSpec("web"), host: "svc1" });
        const hostBefore = (await getHost(db, "svc1")).revision;
        const after = await updateService(db, web, sampleSpec("web", { command: "exec ./v2", healthCheck }));
        assert.equal(after.spec.command, "exec ./v2");
        assert.deepEqual(after.spec.healthCheck, healthCheck);
        assert.deepEqual(after.ports, before.ports);
        assert.ok(after.revision > before.revision);
        assert.ok((await getHost(db, "svc1")).revision > hostBefore);
        await assert.rejects(updateService(db, web, sampleSpec("web2")), (error: unknown) => error instanceof ConflictError && error.field === "name");
      }));

    test("a service deleted and created again under its name gets a higher revision", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        const first = await createService(db, { account: "alice", spec: sampleSpec("web") });
        await deleteService(db, web);
        assert.equal(await findService(db, web), null);
        const second = await createService(db, { account: "alice", spec: sampleSpec("web") });
        assert.ok(second.revision > first.revision);
      }));

    test("desired state and disabling change the revision only when something changes", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        const created = await createService(db, { account: "alice", spec: sampleSpec("web") });
        const stopped = await setDesiredState(db, web, "stopped");
        assert.equal(stopped.desiredState, "stopped");
        assert.ok(stopped.revision > created.revision);
        assert.equal((await setDesiredState(db, web, "stopped")).revision, stopped.revision);
        const disabled = await disableService(db, web, "crash-loop: 5 failures in 120s");
        assert.deepEqual([disabled.spec.isDisabled, disabled.disabledReason], [true, "crash-loop: 5 failures in 120s"]);
        assert.equal((await disableService(db, web, "crash-loop: 5 failures in 120s")).revision, disabled.revision);
        const enabled = await enableService(db, web);
        assert.deepEqual([enabled.spec.isDisabled, enabled.disabledReason], [false, ""]);
        assert.ok(enabled.revision > disabled.revision);
        await assert.rejects(enableService(db, { account: "alice", name: "nope" }), NotFoundError);
      }));

    test("moving a service gives both the old and the new host a new revision", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await registerHost(db, { name: "svc1", pool: "public" });
        await registerHost(db, { name: "svc2", pool: "public" });
        await createService(db, { account: "alice", spec: sampleSpec("web"), host: "svc1" });
        const [r1, r2] = [await getHostRevision(db, "svc1"), await getHostRevision(db, "svc2")];
        const moved = await setPlacement(db, web, "svc2");
        assert.equal(moved.host, "svc2");
        assert.ok((await getHostRevision(db, "svc1"))! > r1!);
        assert.ok((await getHostRevision(db, "svc2"))! > r2!);
        assert.equal((await setPlacement(db, web, "svc2")).revision, moved.revision);
        assert.equal((await setPlacement(db, web, null)).host, null);
        await assert.rejects(setPlacement(db, web, "nohost"), (error: unknown) => error instanceof NotFoundError && error.field === "host");
      }));

    test("a host's desired state holds only its own services with their accounts", () =>
      withTestStore(backend, async (store) => {
        await createAccount(store.db, sampleAccount("alice", { languageVersions: { NODEJS_VERSION: "20" } }));
        await createAccount(store.db, sampleAccount("bob"));
        await registerHost(store.db, { name: "svc1", pool: "public" });
        await registerHost(store.db, { name: "svc2", pool: "public" });
        await createService(store.db, { account: "alice", spec: sampleSpec("web"), host: "svc1" });
        await createService(store.db, { account: "bob", spec: sampleSpec("db"), host: "svc2" });
        const state = await store.transaction((tx) => getHostDesiredState(tx, "svc1"));
        assert.equal(state.revision, await getHostRevision(store.db, "svc1"));
        assert.deepEqual(state.services.map(({ account, service }) => [account.name, account.languageVersions, service.spec.name]), [["alice", { NODEJS_VERSION: "20" }, "web"]]);
        assert.equal(await getHostRevision(store.db, "nohost"), null);
      }));
  });
}
