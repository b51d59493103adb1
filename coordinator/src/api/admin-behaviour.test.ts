// Admin API behaviour a caller relies on: field-naming validation that changes nothing, the same
// NOT_FOUND for foreign and missing services, ports, firewall rules, tokens, size limit, logs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type ClientReadableStream, status } from "@grpc/grpc-js";
import { Account, FirewallRule, type ListServicesResponse, type LogLinesResponse, ServiceInput } from "@vigil/shared";
import { ADMIN_MAX_REQUEST_BYTES } from "./admin-server.js";
import { type AdminTestServer, failure, startAdminTestServer, TEST_HOST, withDefaults } from "./testing/admin-test-server.js";

describe("Admin API behaviour", () => {
  let server: AdminTestServer;
  before(async () => {
    server = await startAdminTestServer();
  });
  after(() => server.close());
  const operator = () => server.client(server.tokens.operator);
  const alpha = () => server.client(server.tokens.alpha);
  const names = async () => (await operator().call<ListServicesResponse>("listServices", {})).services.map((service) => `${service.account}/${service.name}`);

  test("an invalid service is refused with INVALID_ARGUMENT naming each field and rule, and nothing is created", async () => {
    const before = await names();
    const error = await failure(alpha().call("createService", { service: ServiceInput.fromPartial({ name: "Bad Name", command: "", workingDirectory: "../escape" }) }));
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.match(error.details, /^name: must match .*; command: must not be empty; working_directory: /);
    assert.deepEqual(await names(), before);
  });

  test("a created service is listed with its port and host; creating it again is ALREADY_EXISTS", async () => {
    const created = await alpha().call<{ name: string; ports: number[]; host: string; environment: Record<string, string> }>("createService", {
      service: ServiceInput.fromPartial({ name: "api", command: "exec node server.js", environmentString: "FOO=bar LOREM='ipsum dolor'" }),
    });
    assert.equal(created.host, TEST_HOST);
    assert.deepEqual(created.ports, [8300]);
    assert.deepEqual(created.environment, { FOO: "bar", LOREM: "ipsum dolor" });
    const again = await failure(alpha().call("createService", { service: ServiceInput.fromPartial({ name: "api", command: "true" }) }));
    assert.equal(again.code, status.ALREADY_EXISTS);
    assert.ok((await names()).includes("alpha/api"));
  });

  test("an account token gets the same NOT_FOUND for another account's service as for a missing one", async () => {
    await server.client(server.tokens.beta).call("createService", { service: ServiceInput.fromPartial({ name: "secret", command: "true" }) });
    const foreign = await failure(alpha().call("getService", { account: "beta", name: "secret" }));
    const foreignMissing = await failure(alpha().call("getService", { account: "beta", name: "no-such-service" }));
    const missingAccount = await failure(alpha().call("getService", { account: "nobody", name: "secret" }));
    assert.deepEqual(foreign, { code: status.NOT_FOUND, details: "account: account beta does not exist" });
    assert.deepEqual(foreignMissing, foreign);
    assert.deepEqual(missingAccount, { code: status.NOT_FOUND, details: "account: account nobody does not exist" });
    const ownMissing = await failure(alpha().call("getService", { name: "secret" }));
    assert.equal(ownMissing.code, status.NOT_FOUND);
    assert.equal(ownMissing.details, "service: service alpha/secret does not exist");
  });

  test("an account token without an account filter lists only its own services", async () => {
    const listed = await alpha().call<ListServicesResponse>("listServices", {});
    assert.ok(listed.services.length > 0);
    assert.deepEqual([...new Set(listed.services.map((service) => service.account))], ["alpha"]);
  });

  test("an invalid update names the field and leaves the service as it was", async () => {
    const before = await alpha().call("getService", { name: "api" });
    const error = await failure(alpha().call("updateService", { name: "api", command: "  ", healthCheckTimeoutMs: 1 }));
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.match(error.details, /command: must not be empty/);
    assert.deepEqual(await alpha().call("getService", { name: "api" }), before);
  });

  test("an update that changes nothing keeps the revision; a real change bumps it", async () => {
    const revision = async () => (await alpha().call<{ revision: number }>("getService", { name: "api" })).revision;
    const before = await revision();
    assert.equal((await alpha().call<{ revision: number }>("updateService", { name: "api" })).revision, before);
    assert.equal((await alpha().call<{ revision: number }>("updateService", { name: "api", command: "exec node server.js", environment: { FOO: "bar" } })).revision, before);
    assert.equal(await revision(), before);
    assert.ok((await alpha().call<{ revision: number }>("updateService", { name: "api", annotation: "changed" })).revision > before);
  });

  test("ports: allocate the lowest free, refuse one taken, release, and refuse releasing a service's port", async () => {
    const allocated = await alpha().call<{ port: number }>("allocatePort", {});
    assert.equal(allocated.port, 8301);
    assert.equal((await failure(alpha().call("allocatePort", { port: 8301 }))).code, status.ALREADY_EXISTS);
    assert.equal((await failure(alpha().call("allocatePort", { port: 80 }))).details, "port: 80 is outside 8300-8499");
    await alpha().call("releasePort", { port: 8301 });
    const held = await failure(alpha().call("releasePort", { port: 8300 }));
    assert.equal(held.code, status.FAILED_PRECONDITION);
    assert.equal((await failure(alpha().call("releasePort", { port: 8301 }))).code, status.NOT_FOUND);
  });

  test("firewall rules are validated field by field; a public-cloud account's rule is refused saying why; nothing is stored", async () => {
    const bad = await failure(
      alpha().call("createFirewallRule", { rule: FirewallRule.fromPartial({ protocol: "icmp", action: "accept", direction: "in", hosts: ["10.0.0.0/8"], ports: ["9000-8000"], ipVersion: "ipv6" }) }),
    );
    assert.equal(bad.code, status.INVALID_ARGUMENT);
    assert.equal(
      bad.details,
      "rule.protocol: must be one of tcp, udp; rule.hosts[0]: is an IPv4 address but ip_version is ipv6; rule.ports[0]: must be a port (1-65535) or an ascending range such as 8300-8310 (got \"9000-8000\")",
    );
    const hostile = await failure(alpha().call("createFirewallRule", { rule: FirewallRule.fromPartial({ protocol: "tcp", action: "accept", direction: "in", hosts: ["1.2.3.4; flush ruleset"], ports: ["8300"], ipVersion: "ipv4" }) }));
    assert.equal(hostile.details, 'rule.hosts[0]: must be an IPv4 or IPv6 address or CIDR (got "1.2.3.4; flush ruleset")');
    // alpha is a public-cloud account: its hosts are unfiltered by design, so a valid rule is refused too.
    const valid = await failure(alpha().call("createFirewallRule", { rule: FirewallRule.fromPartial({ protocol: "tcp", action: "accept", direction: "in", hosts: ["192.0.2.0/24"], ports: ["8300-8310"], ipVersion: "ipv4" }) }));
    assert.equal(valid.code, status.FAILED_PRECONDITION);
    assert.match(valid.details, /^account: alpha is a public-cloud account: .*not filtered by design/);
    assert.deepEqual((await alpha().call<{ rules: unknown[] }>("listFirewallRules", {})).rules, []);
  });

  test("an account with bad fields is refused naming each one, and none is created", async () => {
    const error = await failure(operator().call("createAccount", { account: Account.fromPartial({ name: "gamma", cloud: "moon", unixUser: "gamma", uid: 0, gid: 1000, home: "relative" }) }));
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.equal(error.details, "account.cloud: must be one of public, private; account.uid: must not be 0 (root); account.home: must be an absolute path");
    assert.equal((await failure(operator().call("getAccount", { name: "gamma" }))).code, status.NOT_FOUND);
  });

  test("an issued token works until it is revoked, then it is UNAUTHENTICATED", async () => {
    const issued = await operator().call<{ id: string; token: string }>("issueToken", { scope: "account", subject: "alpha" });
    await server.client(issued.token).call("listServices", {});
    await operator().call("revokeToken", { id: issued.id });
    const error = await failure(server.client(issued.token).call("listServices", {}));
    assert.equal(error.code, status.UNAUTHENTICATED);
    const listed = await operator().call<{ tokens: { id: string; revoked: boolean }[] }>("listTokens", {});
    assert.equal(listed.tokens.find((token) => token.id === issued.id)?.revoked, true);
    assert.equal((await failure(operator().call("issueToken", { scope: "root" }))).details, "scope: must be one of operator, account, host");
  });

  test("a request over the size limit is RESOURCE_EXHAUSTED and changes nothing", async () => {
    const before = await names();
    const error = await failure(alpha().call("createService", { service: ServiceInput.fromPartial({ name: "huge", command: "true", annotation: "x".repeat(ADMIN_MAX_REQUEST_BYTES + 1) }) }));
    assert.equal(error.code, status.RESOURCE_EXHAUSTED);
    assert.deepEqual(await names(), before);
  });

  test("with the agent connected, logs are tailed and followed as new lines arrive", async () => {
    server.agents.connected.add(TEST_HOST);
    try {
      server.agents.appendLog("alpha", "api", "one", "two", "three");
      assert.deepEqual((await alpha().call<LogLinesResponse>("tailLogs", { name: "api", lines: 2 })).lines, ["two", "three"]);
      const client = alpha();
      const open = client.raw.followLogs.bind(client.raw) as (request: object, metadata: typeof client.metadata) => ClientReadableStream<LogLinesResponse>;
      const stream = open(withDefaults("followLogs", { name: "api", lines: 1 }), client.metadata);
      const seen: string[] = [];
      await new Promise<void>((resolve, reject) => {
        stream.on("data", (chunk: LogLinesResponse) => {
          seen.push(...chunk.lines);
          if (seen.length === 1) server.agents.appendLog("alpha", "api", "four", "five");
          if (seen.length >= 3) resolve();
        });
        stream.on("error", reject);
      });
      stream.cancel();
      assert.deepEqual(seen, ["three", "four", "five"]);
    } finally {
      server.agents.connected.delete(TEST_HOST);
    }
  });
});
