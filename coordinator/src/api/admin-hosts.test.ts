// Issue 15: operators register hosts through the API: a private host with its owner and capacity,
// kept as registered when its agent says Hello; removal is refused while the host holds services.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { status } from "@grpc/grpc-js";
import { type AddedHost, type Host, ServiceInput } from "@vigil/shared";
import { createAccount } from "../store/repositories/accounts.js";
import { upsertHostOnHello } from "../store/repositories/hosts.js";
import { verifyToken } from "../store/repositories/tokens.js";
import { sampleAccount } from "../store/testing/fixtures.js";
import { type AdminTestServer, failure, startAdminTestServer } from "./testing/admin-test-server.js";

describe("Admin hosts", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminTestServer();
    await createAccount(server.store.db, sampleAccount("acme", { cloud: "private", uid: 10_010, gid: 10_010 }));
  });
  after(() => server.close());
  const operator = () => server.client(server.tokens.operator);

  test("adds a private host with its owner and capacity and a one-time host token for it; Hello keeps pool, owner and capacity", async () => {
    const added = await operator().call<AddedHost>("addHost", { name: "acme-1", pool: "private", ownerAccount: "acme", capacity: 7 });
    assert.deepEqual([added.host?.pool, added.host?.ownerAccount, added.host?.capacity], ["private", "acme", 7]);
    assert.equal(added.caPem, "", "a plaintext coordinator hands out no CA");
    assert.deepEqual(await verifyToken(server.store.db, added.bootstrapToken), { id: added.tokenId, scope: "host", subject: "acme-1" });
    await upsertHostOnHello(server.store.db, { name: "acme-1", agentVersion: "t", capacity: 0, now: new Date() });
    const shown = await operator().call<Host>("getHost", { name: "acme-1" });
    assert.deepEqual([shown.pool, shown.ownerAccount, shown.capacity, shown.state], ["private", "acme", 7, "up"]);
  });

  test("refuses a bad name, pool or owner naming the field, and adds nothing", async () => {
    const bad = await failure(operator().call("addHost", { name: "-x", pool: "shared" }));
    assert.equal(bad.code, status.INVALID_ARGUMENT);
    assert.match(bad.details, /^name: must match .*; pool: must be one of public, private$/);
    const ownerless = await failure(operator().call("addHost", { name: "lonely", pool: "private" }));
    assert.match(ownerless.details, /owner_account: is required for private hosts/);
    assert.equal((await failure(operator().call("getHost", { name: "lonely" }))).code, status.NOT_FOUND);
  });

  test("refuses to remove a host that holds services, then removes it once empty and revokes its tokens", async () => {
    await createAccount(server.store.db, sampleAccount("solo", { cloud: "private", uid: 10_011, gid: 10_011 }));
    const added = await operator().call<AddedHost>("addHost", { name: "busy-1", pool: "private", ownerAccount: "solo" });
    await upsertHostOnHello(server.store.db, { name: "busy-1", agentVersion: "t", capacity: 0, now: new Date() });
    const service = await operator().call<{ host: string }>("createService", { account: "solo", service: ServiceInput.fromPartial({ name: "db", command: "sleep 1000" }) });
    assert.equal(service.host, "busy-1");
    const held = await failure(operator().call("removeHost", { name: "busy-1" }));
    assert.equal(held.code, status.FAILED_PRECONDITION);
    assert.match(held.details, /host busy-1 holds 1 service/);
    assert.equal((await operator().call<Host>("getHost", { name: "busy-1" })).serviceCount, 1);
    await operator().call("deleteService", { account: "solo", name: "db" });
    await operator().call("removeHost", { name: "busy-1" });
    assert.equal((await failure(operator().call("getHost", { name: "busy-1" }))).code, status.NOT_FOUND);
    assert.equal(await verifyToken(server.store.db, added.bootstrapToken), null);
  });

  test("drain cordons the host and marks it draining; uncordon is refused until the drain ends; an account that fits nowhere refuses the drain", async () => {
    await operator().call("addHost", { name: "pub-drain", pool: "public" });
    const draining = await operator().call<Host>("drainHost", { name: "pub-drain" });
    assert.deepEqual([draining.cordoned, draining.draining], [true, true]);
    assert.match(draining.drainMessage, /^drain started \(asked by an operator\): 0 account\(s\)/);
    const refused = await failure(operator().call("uncordonHost", { name: "pub-drain" }));
    assert.equal(refused.code, status.FAILED_PRECONDITION);
    assert.match(refused.details, /host pub-drain is being drained/);
    await operator().call("createService", { account: "acme", service: ServiceInput.fromPartial({ name: "db", command: "sleep 1000" }) });
    const lonely = await failure(operator().call("drainHost", { name: "acme-1" }));
    assert.equal(lonely.code, status.FAILED_PRECONDITION);
    assert.match(lonely.details, /host acme-1 cannot be drained, nothing was changed: acme: private-cloud account acme has no host of its own/);
    assert.equal((await operator().call<Host>("getHost", { name: "acme-1" })).cordoned, false);
    assert.equal((await failure(operator().call("drainHost", { name: "nowhere" }))).code, status.NOT_FOUND);
  });
});
