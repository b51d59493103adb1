// CreateServices, the Admin API's batch create: all of one account's services placed in one
// transaction or none, errors naming the item, and no way to batch into another account.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { type CreateServicesResponse, type ListServicesResponse, ServiceInput } from "@vigil/shared";
import { eq } from "drizzle-orm";
import { getHost } from "../store/repositories/hosts.js";
import { hosts } from "../store/schema.js";
import { type AdminTestServer, failure, startAdminTestServer, TEST_HOST } from "./testing/admin-test-server.js";

const input = (name: string, command = "exec sleep 1000", ports: number[] = []) => ServiceInput.fromPartial({ name, command, ports });

describe("Admin API CreateServices", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminTestServer({ backend: "postgres" });
  });
  after(() => server.close());
  const alpha = () => server.client(server.tokens.alpha);
  const names = async (account: string) =>
    (await server.client(server.tokens.operator).call<ListServicesResponse>("listServices", { account })).services.map((service) => service.name).sort();

  test("creates and places every service of the batch, in request order, each with its own port", async () => {
    const batch = Array.from({ length: 25 }, (_, i) => input(`web-${String(i).padStart(2, "0")}`));
    const created = await alpha().call<CreateServicesResponse>("createServices", { services: batch });
    assert.deepEqual(
      created.services.map((service) => service.name),
      batch.map((service) => service.name),
    );
    assert.ok(created.services.every((service) => service.account === "alpha" && service.host === TEST_HOST));
    assert.equal(new Set(created.services.flatMap((service) => service.ports)).size, 25);
    assert.deepEqual(await names("alpha"), batch.map((service) => service.name).sort());
  });

  test("one invalid item refuses the whole batch with INVALID_ARGUMENT naming the item's field; nothing is created", async () => {
    const before = await names("alpha");
    const error = await failure(alpha().call("createServices", { services: [input("ok-1"), input("ok-2"), input("broken", "")] }));
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.equal(error.details, "services[2].command: must not be empty");
    assert.deepEqual(await names("alpha"), before);
  });

  test("an item that clashes in the database rolls back the items inserted before it", async () => {
    await alpha().call("createService", { service: input("taken") });
    const before = await names("alpha");
    const name = await failure(alpha().call("createServices", { services: [input("fresh-1"), input("taken")] }));
    assert.equal(name.code, status.ALREADY_EXISTS);
    assert.match(name.details, /^services\[1\]\.name: service taken already exists in account alpha$/);
    const port = await failure(alpha().call("createServices", { services: [input("fresh-2", "true", [8450]), input("fresh-3", "true", [8450])] }));
    assert.equal(port.code, status.ALREADY_EXISTS);
    assert.match(port.details, /^services\[1\]\.port: 8450 is already allocated/);
    assert.deepEqual(await names("alpha"), before);
  });

  test("an empty batch and a repeated name are refused naming the field", async () => {
    const empty = await failure(alpha().call("createServices", { services: [] }));
    assert.deepEqual(empty, { code: status.INVALID_ARGUMENT, details: "services: must hold at least one service" });
    const twice = await failure(alpha().call("createServices", { services: [input("twin"), input("twin")] }));
    assert.equal(twice.code, status.ALREADY_EXISTS);
    assert.match(twice.details, /^services\[1\]\.name: twin is also services\[0\]\.name$/);
  });

  test("an account token cannot batch into another account: NOT_FOUND, and that account gets nothing", async () => {
    const before = await names("beta");
    const error = await failure(alpha().call("createServices", { account: "beta", services: [input("intruder")] }));
    assert.equal(error.code, status.NOT_FOUND);
    assert.deepEqual(await names("beta"), before);
  });

  test("a batch that would take the host past its capacity is RESOURCE_EXHAUSTED naming the host; nothing is created", async () => {
    const placed = (await getHost(server.store.db, TEST_HOST)).serviceCount;
    await server.store.db.update(hosts).set({ capacity: placed + 2 }).where(eq(hosts.name, TEST_HOST));
    const before = await names("alpha");
    const error = await failure(alpha().call("createServices", { services: [input("cap-1"), input("cap-2"), input("cap-3")] }));
    assert.equal(error.code, status.RESOURCE_EXHAUSTED);
    assert.equal(error.details, `placement: host ${TEST_HOST} is full: capacity ${placed + 2}, ${placed} services placed, 3 more asked`);
    assert.deepEqual(await names("alpha"), before);
    await alpha().call("createServices", { services: [input("cap-1"), input("cap-2")] });
    const full = await failure(alpha().call("createService", { service: input("cap-3") }));
    assert.equal(full.code, status.RESOURCE_EXHAUSTED);
    await server.store.db.update(hosts).set({ capacity: 0 }).where(eq(hosts.name, TEST_HOST));
  });
});
