// Tests of the server configurations: defaults, and errors that name the field and the rule.
import assert from "node:assert/strict";
import { describe, it, test } from "node:test";
import { formatFieldErrors } from "../errors.js";
import { compileAgentConfig, compileCoordinatorConfig, compileUpConfig } from "./server-config.js";

function errorsOf(result: { ok: boolean; errors?: readonly { field: string; rule: string }[] }): string {
  return result.ok ? "" : formatFieldErrors(result.errors ?? []);
}

test("coordinator config needs a database and NATS URL and defaults the rest", () => {
  const result = compileCoordinatorConfig({ database_url: "postgres://db/vigil", nats_url: "nats://127.0.0.1:4222" });
  assert.deepEqual(result, { ok: true, value: { databaseUrl: "postgres://db/vigil", natsUrl: "nats://127.0.0.1:4222", listen: "0.0.0.0:7465", httpListen: null, busPrefix: "vigil", hostTimeoutMs: 30_000, bootstrapTokenFile: null, eventRetentionDays: 30, databaseConnectTimeoutMs: 5_000, databaseStatementTimeoutMs: 30_000, maxStreamsPerToken: 16, maxCallsPerToken: 64, metricsListen: null, tls: { mode: "created", dir: "/var/lib/vigil/coordinator", names: [] }, natsCredentialsFile: null, hostDownWindowMs: 600_000, hostDownActionPublic: "report", hostDownActionPrivate: "report" } });
  assert.equal(errorsOf(compileCoordinatorConfig({})), "database_url: is required; nats_url: is required");
});

test("a host down past host_down_window_ms is reported, or drained where its pool's action says drain; other actions are refused", () => {
  const settings = { database_url: "postgres://db/vigil", nats_url: "nats://127.0.0.1:4222" };
  const set = compileCoordinatorConfig({ ...settings, host_down_window_ms: 120_000, host_down_action_public: "drain" });
  assert.ok(set.ok && set.value.hostDownWindowMs === 120_000 && set.value.hostDownActionPublic === "drain" && set.value.hostDownActionPrivate === "report");
  assert.equal(errorsOf(compileCoordinatorConfig({ ...settings, host_down_action_private: "evict" })), "host_down_action_private: must be one of report, drain");
});

test("metrics_listen is off unless set, and must be host:port", () => {
  const settings = { database_url: "postgres://db/vigil", nats_url: "nats://127.0.0.1:4222" };
  const on = compileCoordinatorConfig({ ...settings, metrics_listen: "127.0.0.1:9465" });
  assert.ok(on.ok && on.value.metricsListen === "127.0.0.1:9465");
  assert.equal(errorsOf(compileCoordinatorConfig({ ...settings, metrics_listen: "9465" })), "metrics_listen: must be host:port (port 0-65535)");
  const agent = compileAgentConfig({ coordinator: "c:7465", nats_url: "nats://n:4222", token: "t", metrics_listen: "0.0.0.0:9466" }, { hostName: "h" });
  assert.ok(agent.ok && agent.value.metricsListen === "0.0.0.0:9466");
  const up = compileUpConfig({ metrics_listen: "127.0.0.1:9465", agent_metrics_listen: "127.0.0.1:9466" }, { stateDir: "/s" });
  assert.ok(up.ok && up.value.metricsListen === "127.0.0.1:9465" && up.value.agentMetricsListen === "127.0.0.1:9466");
  assert.equal(errorsOf(compileUpConfig({ agent_metrics_listen: "x" }, { stateDir: "/s" })), "agent_metrics_listen: must be host:port (port 0-65535)");
});

void describe("TLS settings", () => {
  const coordinator = { database_url: "postgres://db/vigil", nats_url: "nats://127.0.0.1:4222" };
  const tlsOf = (input: object) => {
    const compiled = compileCoordinatorConfig({ ...coordinator, ...input });
    return compiled.ok ? compiled.value.tls : compiled.errors.map((error) => `${error.field}: ${error.rule}`).join("; ");
  };
  void it("the coordinator is TLS off loopback (the listen address among its names), plaintext on loopback with no TLS setting, and plaintext anywhere with insecure", () => {
    assert.deepEqual(tlsOf({ listen: "10.0.0.5:7465", state_dir: "/srv/vigil" }), { mode: "created", dir: "/srv/vigil", names: ["10.0.0.5"] });
    assert.deepEqual(tlsOf({ listen: "127.0.0.1:7465" }), { mode: "plaintext" });
    assert.deepEqual(tlsOf({ listen: "127.0.0.1:7465", tls_names: "vigil.example.com, 10.0.0.5" }), { mode: "created", dir: "/var/lib/vigil/coordinator", names: ["vigil.example.com", "10.0.0.5", "127.0.0.1"] });
    assert.deepEqual(tlsOf({ listen: "10.0.0.5:7465", insecure: "true" }), { mode: "plaintext" });
  });
  void it("the operator's own certificates need certificate, key and CA together", () => {
    assert.equal(tlsOf({ tls_cert: "/etc/vigil/server.pem" }), "tls_key: is required with tls_cert, tls_key and tls_ca (the operator's own certificates); tls_ca: is required with tls_cert, tls_key and tls_ca (the operator's own certificates)");
    assert.deepEqual(tlsOf({ tls_cert: "/a.pem", tls_key: "/a-key.pem", tls_ca: "/ca.pem" }), { mode: "own", certFile: "/a.pem", keyFile: "/a-key.pem", caFile: "/ca.pem", caKeyFile: null });
  });
  void it("an agent verifies a non-loopback coordinator by CA file or pin, and only says plaintext when told insecure", () => {
    const agentTls = (input: object) => {
      const compiled = compileAgentConfig({ coordinator: "10.0.0.5:7465", nats_url: "nats://10.0.0.5:4222", ...input }, { hostName: "web-1" });
      return compiled.ok ? compiled.value.tls : compiled.errors.map((error) => `${error.field}: ${error.rule}`).join("; ");
    };
    assert.deepEqual(agentTls({ ca_pin: `sha256:${"a".repeat(64)}` }), { mode: "bootstrap", caFile: null, caPin: `sha256:${"a".repeat(64)}` });
    assert.deepEqual(agentTls({}), { mode: "bootstrap", caFile: null, caPin: null });
    assert.deepEqual(agentTls({ insecure: true }), { mode: "plaintext" });
    assert.deepEqual(agentTls({ coordinator: "127.0.0.1:7465" }), { mode: "plaintext" });
    assert.equal(agentTls({ ca_pin: "md5:abc" }), "ca_pin: must match ^(sha256:)?[0-9a-f]{64}$");
  });
});

test("the coordinator's database timeouts are settable within bounds", () => {
  const settings = { database_url: "postgres://db/vigil", nats_url: "nats://127.0.0.1:4222" };
  const ok = compileCoordinatorConfig({ ...settings, database_connect_timeout_ms: 2_000, database_statement_timeout_ms: 60_000 });
  assert.ok(ok.ok && ok.value.databaseConnectTimeoutMs === 2_000 && ok.value.databaseStatementTimeoutMs === 60_000);
  assert.equal(errorsOf(compileCoordinatorConfig({ ...settings, database_connect_timeout_ms: 0 })), "database_connect_timeout_ms: must be between 100 and 600000");
});

test("the coordinator's bootstrap token file must be an absolute path", () => {
  const settings = { database_url: "postgres://db/vigil", nats_url: "nats://127.0.0.1:4222" };
  assert.equal(errorsOf(compileCoordinatorConfig({ ...settings, bootstrap_token_file: "operator.token" })), "bootstrap_token_file: must be an absolute path");
  const ok = compileCoordinatorConfig({ ...settings, bootstrap_token_file: "/etc/vigil/operator.token" });
  assert.ok(ok.ok && ok.value.bootstrapTokenFile === "/etc/vigil/operator.token");
});

test("a listen address that is not host:port is refused naming the field", () => {
  assert.equal(errorsOf(compileUpConfig({ listen: "7465" }, { stateDir: "/home/u/.vigil" })), "listen: must be host:port (port 0-65535)");
  assert.equal(errorsOf(compileUpConfig({ listen: "localhost:99999" }, { stateDir: "/home/u/.vigil" })), "listen: must be host:port (port 0-65535)");
  const ok = compileUpConfig({ listen: "127.0.0.1:0" }, { stateDir: "/s" });
  assert.ok(ok.ok && ok.value.listen === "127.0.0.1:0");
});

test("vigil up serves HTTP on the gRPC port + 1 unless told otherwise; the coordinator only when told", () => {
  const up = (input: object) => compileUpConfig(input, { stateDir: "/s" });
  assert.deepEqual([up({}), up({ listen: "127.0.0.1:0" }), up({ http_listen: "[::1]:8080" })].map((result) => result.ok && result.value.httpListen), ["127.0.0.1:7466", "127.0.0.1:0", "[::1]:8080"]);
  assert.equal(errorsOf(up({ http_listen: "8080" })), "http_listen: must be host:port (port 0-65535)");
  const coordinator = compileCoordinatorConfig({ database_url: "postgres://db/vigil", nats_url: "nats://127.0.0.1:4222", http_listen: "0.0.0.0:7466" });
  assert.ok(coordinator.ok && coordinator.value.httpListen === "0.0.0.0:7466");
});

test("unknown settings, relative paths and bad URLs are each reported", () => {
  const result = compileAgentConfig({ coordinator: "c:7465", nats_url: "http://x", token: "t", state_dir: "state", colour: "red" }, { hostName: "web-1" });
  assert.equal(errorsOf(result), "colour: is not a known setting; nats_url: must start with nats:// or tls://; state_dir: must be an absolute path");
});

test("agent config takes the machine's host name by default", () => {
  const result = compileAgentConfig({ coordinator: "[::1]:7465", nats_url: "nats://n:4222", token: "vigil_x" }, { hostName: "web-1" });
  assert.ok(result.ok);
  assert.equal(result.value.hostName, "web-1");
  assert.equal(result.value.stateDir, "/var/lib/vigil");
});

test("agent coordinator: one address, a comma-separated list, a repeated flag or a YAML list, in the order given", () => {
  const coordinatorsOf = (coordinator: unknown) => {
    const compiled = compileAgentConfig({ coordinator, nats_url: "nats://n:4222", token: "t", insecure: true }, { hostName: "h" });
    return compiled.ok ? compiled.value.coordinators : errorsOf(compiled);
  };
  assert.deepEqual(coordinatorsOf("c1:7465"), ["c1:7465"]);
  assert.deepEqual(coordinatorsOf("c1:7465, c2:7465"), ["c1:7465", "c2:7465"]);
  assert.deepEqual(coordinatorsOf(["c2:7465", "c1:7465,[fd00::1]:7465"]), ["c2:7465", "c1:7465", "[fd00::1]:7465"]);
  assert.equal(coordinatorsOf(undefined), "coordinator: is required");
  assert.equal(coordinatorsOf(" , "), "coordinator: is required");
  assert.equal(coordinatorsOf("c1:7465,c2"), 'coordinator: must be host:port (port 0-65535), or a comma-separated list of them: "c2" is not');
  assert.equal(coordinatorsOf("c1:7465,c1:7465"), "coordinator: lists an address twice");
  assert.equal(coordinatorsOf(7465), "coordinator: must be host:port or a list of them");
});

test("an agent dials its coordinators in plaintext without being told insecure only when every one is on loopback", () => {
  const tlsOf = (coordinator: string) => {
    const compiled = compileAgentConfig({ coordinator, nats_url: "nats://n:4222", token: "t" }, { hostName: "h" });
    return compiled.ok ? compiled.value.tls.mode : errorsOf(compiled);
  };
  assert.equal(tlsOf("127.0.0.1:7465,[::1]:7466"), "plaintext");
  assert.equal(tlsOf("127.0.0.1:7465,10.0.0.5:7465"), "bootstrap");
});
