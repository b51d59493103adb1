// Issue 11 as deployed: a `vigil coordinator` with TLS on a veth address, `vigil agent`s in their own
// network namespaces that bootstrap their certificates, and a nats-server with one user per host.
// Services run and report as usual; plaintext and a replayed bootstrap token gain nothing.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { credentials, status } from "@grpc/grpc-js";
import { AgentLinkProbe } from "./support/agent-link-probe.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";

describe("a secured cluster: TLS bootstrap and NATS users across network namespaces", () => {
  let cluster: SystemCluster;
  let hosts: AgentHost[];

  before(async () => {
    cluster = await SystemCluster.start(2, { hostSuffixes: ["a", "b"] });
    try {
      await cluster.startCoordinator();
      hosts = [await cluster.addHost("a"), await cluster.addHost("b")];
      await Promise.all(hosts.map((host) => cluster.startAgent(host)));
      await Promise.all(hosts.map((host) => cluster.waitForHostState(host, "up")));
      await cluster.addAccount("alpha");
    } catch (error) {
      await cluster.close();
      throw error;
    }
  });
  after(async () => cluster?.close());

  it("bootstraps each agent's certificate (key 0600 on its host) and runs a service whose events arrive through the host's NATS user", async () => {
    for (const host of hosts) {
      assert.match(host.process!.output, /"link":"mTLS \(certificate from the bootstrap token\)"/, cluster.logs());
      assert.equal(statSync(join(host.stateDir, "tls", "host-key.pem")).mode & 0o777, 0o600);
    }
    const host = await cluster.createRunningService("alpha", "web", "exec sleep 100000");
    assert.ok(hosts.includes(host));
  });

  it("refuses a plaintext peer and a bootstrap token replayed after its use", async () => {
    const plaintext = new AgentLinkProbe(cluster.address, hosts[0]!.name, hosts[0]!.token);
    assert.equal((await plaintext.refusal()).code, status.UNAVAILABLE);
    plaintext.close();
    const replay = new AgentLinkProbe(cluster.address, hosts[0]!.name, hosts[0]!.token, credentials.createSsl(readFileSync(cluster.caFile)));
    assert.equal((await replay.refusal()).code, status.UNAUTHENTICATED);
    replay.close();
  });

  it("restarts an agent without any token: its kept certificate is enough", async () => {
    const host = hosts[1]!;
    await host.process!.stop(20_000);
    await cluster.waitForHostState(host, "down", 90_000);
    const restarted = await cluster.startAgent(host, "", { tokenInEnvironment: false });
    await cluster.waitForHostState(host, "up");
    assert.match(restarted.output, /"link":"mTLS \(kept certificate\)"/);
  });
});
