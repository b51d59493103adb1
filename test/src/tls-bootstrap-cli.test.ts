// Issue 11 through the binaries: `vigil coordinator` creates its CA on first start (keys 0600),
// `vigil host add` issues a host's one-time bootstrap token, and the agent's start-up path turns
// it into a certificate found by the CA's pin; removing the host ends its link.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { agentLinkSecurity } from "@vigil/cli";
import { createTestDatabase, type TestDatabase } from "@vigil/coordinator";
import { compileAgentConfig, type CompiledAgentConfig } from "@vigil/shared";
import { AgentLinkProbe } from "./support/agent-link-probe.js";
import { TestProcess } from "./support/test-process.js";
import { waitFor } from "./support/wait-for.js";

const REPO = new URL("../../", import.meta.url).pathname;
/** The installed command (`npm test` rebuilds it first). */
const VIGIL_BIN = join(REPO, "cli/bin/vigil.mjs");
const execFileAsync = promisify(execFile);
const NATS_URL = process.env.VIGIL_TEST_NATS_URL ?? "nats://127.0.0.1:4222";

void describe("TLS bootstrap with the vigil binary", () => {
  let dir: string;
  let database: TestDatabase;
  let coordinator: TestProcess;
  let address: string;

  // Never synchronous: a blocked event loop leaves the probe's keepalive pings unanswered, and the
  // coordinator then drops its link as dead (UNAVAILABLE) before `host rm` can refuse it.
  const vigil = async (args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, [VIGIL_BIN, ...args], { encoding: "utf8", cwd: REPO, timeout: 60_000, env: { ...process.env, VIGIL_CLIENT_CONFIG: join(dir, "client.json") } });
      return { status: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: unknown; stdout?: string; stderr?: string };
      return { status: typeof failed.code === "number" ? failed.code : 1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
    }
  };
  const operator = () => ["--address", address, "--token-file", join(dir, "operator-token"), "--ca-file", join(dir, "coordinator", "tls", "ca.pem")];
  const agentConfig = (stateDir: string, pin: string): CompiledAgentConfig => {
    const compiled = compileAgentConfig({ coordinator: address, host_name: "web-1", token_file: join(dir, "web-1.token"), ca_pin: `sha256:${pin}`, state_dir: stateDir, events: "link" }, { hostName: "x" });
    assert.ok(compiled.ok, JSON.stringify(compiled));
    return compiled.value;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vigil-tls-cli-"));
    database = await createTestDatabase();
    const prefix = `tls${randomBytes(3).toString("hex")}`;
    coordinator = TestProcess.start("vigil coordinator", process.execPath, [
      VIGIL_BIN, "coordinator",
      "--database-url", database.url, "--nats-url", NATS_URL, "--bus-prefix", prefix,
      "--listen", "127.0.0.1:0", "--state-dir", join(dir, "coordinator"), "--bootstrap-token-file", join(dir, "operator-token"),
    ], { cwd: REPO });
    const [, port] = await coordinator.waitForOutput(/listening on 127\.0\.0\.1:(\d+)/);
    address = `127.0.0.1:${port}`;
  });
  after(async () => {
    await coordinator.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it("creates its CA and server certificate on first start, keys readable by the coordinator only", () => {
    assert.match(coordinator.output, /TLS with CA .*ca\.pem \(sha256 [0-9a-f]{64}\)/);
    for (const key of ["ca-key.pem", "server-key.pem"]) assert.equal(statSync(join(dir, "coordinator", "tls", key)).mode & 0o777, 0o600, key);
  });

  void it("refuses an operator CLI that connects in plaintext, and answers it over TLS", async () => {
    const plaintext = await vigil(["host", "ls", "--address", address, "--token-file", join(dir, "operator-token")]);
    assert.notEqual(plaintext.status, 0);
    const secured = await vigil(["host", "ls", ...operator()]);
    assert.equal(secured.status, 0, secured.stderr);
  });

  void it("adds a host with a one-time bootstrap token the agent exchanges for a certificate; the host is then up, and removing it ends its link", async () => {
    const added = await vigil(["host", "add", "web-1", "--token-out", join(dir, "web-1.token"), "--json", ...operator()]);
    assert.equal(added.status, 0, added.stderr);
    const { caSha256, bootstrapToken } = JSON.parse(added.stdout) as { caSha256: string; bootstrapToken: string };
    assert.doesNotMatch(bootstrapToken, /^vigil_/, "the token is written to the file, not printed");
    assert.equal(statSync(join(dir, "web-1.token")).mode & 0o777, 0o600);

    const security = await agentLinkSecurity(agentConfig(join(dir, "agent"), caSha256));
    assert.equal(security.description, "mTLS (certificate from the bootstrap token)");
    assert.equal(statSync(join(dir, "agent", "tls", "host-key.pem")).mode & 0o777, 0o600);
    assert.equal((await agentLinkSecurity(agentConfig(join(dir, "agent"), caSha256))).description, "mTLS (kept certificate)");
    await assert.rejects(agentLinkSecurity(agentConfig(join(dir, "thief"), caSha256)), /not a valid, unused bootstrap token/);
    await assert.rejects(agentLinkSecurity(agentConfig(join(dir, "wrong-pin"), "0".repeat(64))), /ca_pin: the coordinator at .* presented no CA certificate/);

    const probe = new AgentLinkProbe(address, "web-1", security.token, security.credentials);
    await waitFor("web-1 to be up", async () => {
      const shown = await vigil(["host", "show", "web-1", "--json", ...operator()]);
      return shown.status === 0 && (JSON.parse(shown.stdout) as { state: string }).state === "up" ? true : undefined;
    });
    const removed = await vigil(["host", "rm", "web-1", ...operator()]);
    assert.equal(removed.status, 0, removed.stderr);
    assert.equal((await probe.refusal()).code, status.UNAUTHENTICATED);
    probe.close();
  });
});
