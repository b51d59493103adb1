// Tests of per-account port allocation on PGlite and on the real PostgreSQL: lowest free or
// requested ports, clear errors, no collisions under concurrency, exhaustion, release on delete.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InvalidInputError } from "@vigil/shared";
import { AlreadyExistsError, ConflictError, NotFoundError, PortExhaustedError } from "../errors.js";
import { sampleAccount, sampleSpec } from "../testing/fixtures.js";
import { testStoreBackends, withTestStore } from "../testing/test-stores.js";
import { createAccount } from "./accounts.js";
import { allocatePort, allocatePorts, listPorts, releasePort } from "./ports.js";
import { createService, deleteService, getService, listServices } from "./services.js";

for (const backend of testStoreBackends) {
  describe(`store on ${backend.name}`, () => {
    test("a service gets the lowest free port of its account by default", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        assert.deepEqual((await createService(db, { account: "alice", spec: sampleSpec("web") })).ports, [8300]);
        assert.deepEqual((await createService(db, { account: "alice", spec: sampleSpec("worker"), ports: { requested: [8302] } })).ports, [8302]);
        assert.deepEqual((await createService(db, { account: "alice", spec: sampleSpec("redis"), ports: { count: 2 } })).ports, [8301, 8303]);
      }));

    test("a requested port that is taken is refused, naming the field port, and nothing is created", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await createService(db, { account: "alice", spec: sampleSpec("web"), ports: { requested: [8310] } });
        await assert.rejects(createService(db, { account: "alice", spec: sampleSpec("api"), ports: { requested: [8310] } }), (error: unknown) => {
          assert.ok(error instanceof AlreadyExistsError);
          assert.equal(error.field, "port");
          assert.equal(error.message, "port: 8310 is already allocated in account alice");
          return true;
        });
        assert.deepEqual((await listServices(db, { account: "alice" })).map((s) => s.spec.name), ["web"]);
        assert.deepEqual((await listPorts(db, "alice")).map((p) => p.port), [8310]);
      }));

    test("a requested port outside 8300-8499 is refused, naming the field port", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        for (const port of [8299, 8500, 80]) {
          await assert.rejects(allocatePort(db, "alice", port), (error: unknown) => {
            assert.ok(error instanceof InvalidInputError);
            assert.equal(error.message, `port: ${port} is outside 8300-8499`);
            return true;
          });
        }
        assert.deepEqual(await listPorts(db, "alice"), []);
      }));

    test("the same port in two accounts is no collision", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await createAccount(db, sampleAccount("bob"));
        assert.equal((await allocatePort(db, "alice", 8300)).port, 8300);
        assert.equal((await allocatePort(db, "bob", 8300)).port, 8300);
      }));

    test("deleting a service releases its ports", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await createService(db, { account: "alice", spec: sampleSpec("web"), ports: { count: 3 } });
        await createService(db, { account: "alice", spec: sampleSpec("api") });
        assert.deepEqual((await getService(db, { account: "alice", name: "api" })).ports, [8303]);
        await deleteService(db, { account: "alice", name: "web" });
        assert.deepEqual(await listPorts(db, "alice"), [{ account: "alice", port: 8303, service: "api" }]);
        assert.deepEqual((await createService(db, { account: "alice", spec: sampleSpec("web"), ports: { count: 3 } })).ports, [8300, 8301, 8302]);
      }));

    test("a port allocated on its own is listed without a service and can be released", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await createService(db, { account: "alice", spec: sampleSpec("web") });
        assert.deepEqual(await allocatePort(db, "alice"), { account: "alice", port: 8301, service: null });
        assert.deepEqual(await listPorts(db, "alice"), [
          { account: "alice", port: 8300, service: "web" },
          { account: "alice", port: 8301, service: null },
        ]);
        await releasePort(db, "alice", 8301);
        await assert.rejects(releasePort(db, "alice", 8301), (error: unknown) => error instanceof NotFoundError && error.message === "port: 8301 is not allocated in account alice");
        await assert.rejects(releasePort(db, "alice", 8300), (error: unknown) => error instanceof ConflictError && error.message === "port: 8300 is held by service web; delete the service to free it");
      }));

    test("allocating in an account that does not exist names the account", () =>
      withTestStore(backend, async ({ db }) => {
        await assert.rejects(allocatePort(db, "nobody"), (error: unknown) => error instanceof NotFoundError && error.message === "account: account nobody does not exist");
      }));

    test("the 201st port of an account fails with a clear error while another account still gets 8300", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await createAccount(db, sampleAccount("bob"));
        const ports: number[] = [];
        for (let i = 0; i < 200; i++) ports.push((await allocatePort(db, "alice")).port);
        assert.deepEqual(ports, Array.from({ length: 200 }, (_, i) => 8300 + i));
        await assert.rejects(allocatePort(db, "alice"), (error: unknown) => {
          assert.ok(error instanceof PortExhaustedError);
          assert.equal(error.message, "port: account alice has no free port in 8300-8499");
          return true;
        });
        await assert.rejects(createService(db, { account: "alice", spec: sampleSpec("web") }), PortExhaustedError);
        assert.deepEqual(await listServices(db, { account: "alice" }), []);
        assert.equal((await allocatePort(db, "bob")).port, 8300);
      }));

    test("asking for more ports than a service may hold names the limit; more than are free says how many are free", () =>
      withTestStore(backend, async ({ db }) => {
        await createAccount(db, sampleAccount("alice"));
        await allocatePorts(db, "alice", { count: 2 });
        await assert.rejects(createService(db, { account: "alice", spec: sampleSpec("web"), ports: { count: 1000 } }), (error: unknown) => {
          assert.ok(error instanceof InvalidInputError);
          assert.equal(error.message, "ports: at most 200 per service (got 1000)");
          return true;
        });
        await assert.rejects(createService(db, { account: "alice", spec: sampleSpec("web"), ports: { requested: [8498, 8499], count: 199 } }), /ports: at most 200 per service \(got 201\)/);
        await assert.rejects(createService(db, { account: "alice", spec: sampleSpec("web"), ports: { count: 199 } }), (error: unknown) => {
          assert.ok(error instanceof PortExhaustedError);
          assert.equal(error.message, "port: account alice has 198 free ports in 8300-8499, 199 asked");
          return true;
        });
        assert.equal((await createService(db, { account: "alice", spec: sampleSpec("web"), ports: { count: 198 } })).ports.length, 198);
      }));

    test("50 concurrent allocating transactions in one account get 50 distinct ports and none fails", () =>
      withTestStore(
        backend,
        async (store) => {
          await createAccount(store.db, sampleAccount("alice"));
          const results = await Promise.allSettled(Array.from({ length: 50 }, () => store.transaction((tx) => allocatePorts(tx, "alice", { count: 1 }))));
          const failures = results.filter((result) => result.status === "rejected");
          assert.deepEqual(failures, []);
          const ports = results.flatMap((result) => (result.status === "fulfilled" ? result.value : []));
          assert.equal(new Set(ports).size, 50);
          assert.deepEqual([...ports].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => 8300 + i));
          assert.equal((await listPorts(store.db, "alice")).length, 50);
        },
        { poolSize: 50 },
      ));
  });
}
