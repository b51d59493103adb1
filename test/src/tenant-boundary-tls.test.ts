// Issue 11, attack suite (TLS): each attack is made for real, as a network peer of a coordinator on
// loopback with TLS, and gains nothing: plaintext, a foreign CA, an impostor coordinator, a replayed
// or revoked bootstrap token, a host claiming another host's name.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { credentials, status, type ServiceError } from "@grpc/grpc-js";
import { bootstrapHostIdentity, HOST_KEY_FILE, hostLinkCredentials, type HostTlsIdentity } from "@vigil/agent";
import { LinkEventSource, listTokens, revokeToken } from "@vigil/coordinator";
import { AgentLinkClient, busNames } from "@vigil/shared";
import { AdminApi } from "./support/admin-api.js";
import { AgentLinkProbe } from "./support/agent-link-probe.js";
import { startTlsCoordinator, type TlsCoordinator } from "./support/tls-coordinator.js";
import { waitFor } from "./support/wait-for.js";

const newEvents = () => new LinkEventSource(busNames("attack"));

void describe("tenant boundary over TLS: attacks from the network", () => {
  let real: TlsCoordinator;
  let impostor: TlsCoordinator;
  let agentDir: string;
  before(async () => {
    real = await startTlsCoordinator(newEvents());
    impostor = await startTlsCoordinator(newEvents());
    agentDir = mkdtempSync(join(tmpdir(), "vigil-tls-agent-"));
  });
  after(async () => {
    await real.close();
    await impostor.close();
    rmSync(agentDir, { recursive: true, force: true });
  });

  const bootstrap = (coordinator: TlsCoordinator, hostName: string, token: string, caPem: string, stateDir: string): Promise<HostTlsIdentity> =>
    bootstrapHostIdentity({ address: coordinator.coordinator.address, hostName, bootstrapToken: token, caPem, stateDir, timeoutMs: 5_000 });

  void it("refuses a plaintext client: no Admin answer and no AgentLink Hello, even with a valid token", async () => {
    const added = await real.addHost("plain-1");
    const plaintextAdmin = new AdminApi(real.coordinator.address, "vigil_anything");
    const error = await plaintextAdmin.call("listHosts").then(
      () => assert.fail("a plaintext Admin call was answered"),
      (failure: ServiceError) => failure,
    );
    plaintextAdmin.close();
    assert.equal(error.code, status.UNAVAILABLE);
    const probe = new AgentLinkProbe(real.coordinator.address, "plain-1", added.bootstrapToken);
    assert.equal((await probe.refusal()).code, status.UNAVAILABLE);
    probe.close();
    assert.deepEqual(real.coordinator.link.connectedHosts(), []);
  });

  void it("gives a host a certificate for its own name once; the key stays on the host (mode 0600) and the link then works over mTLS", async () => {
    const added = await real.addHost("web-1");
    assert.match(added.caSha256, /^[0-9a-f]{64}$/);
    const identity = await bootstrap(real, "web-1", added.bootstrapToken, added.caPem, join(agentDir, "web-1"));
    assert.equal(statSync(join(agentDir, "web-1", "tls", HOST_KEY_FILE)).mode & 0o777, 0o600);
    const probe = new AgentLinkProbe(real.coordinator.address, "web-1", "", hostLinkCredentials(identity));
    await waitFor("the host's first desired state", () => (probe.states.length > 0 ? true : undefined), { timeoutMs: 20_000 });
    assert.deepEqual(real.coordinator.link.connectedHosts(), ["web-1"]);
    probe.close();
    await waitFor("the link to close", () => (real.coordinator.link.connectedHosts().length === 0 ? true : undefined));
  });

  void it("refuses a client whose certificate comes from another CA, though it names the same host", async () => {
    const foreign = await impostor.addHost("web-2");
    const foreignIdentity = await bootstrap(impostor, "web-2", foreign.bootstrapToken, foreign.caPem, join(agentDir, "foreign-web-2"));
    await real.addHost("web-2");
    // The attacker trusts the real coordinator's CA, so the handshake completes; its own certificate does not verify.
    const channel = credentials.createSsl(Buffer.from(real.tls.caPem), Buffer.from(foreignIdentity.keyPem), Buffer.from(foreignIdentity.certPem));
    const probe = new AgentLinkProbe(real.coordinator.address, "web-2", "", channel);
    const refusal = await probe.refusal();
    probe.close();
    assert.equal(refusal.code, status.UNAUTHENTICATED);
    assert.match(refusal.details, /certificate: the link needs a client certificate from this coordinator's CA naming host web-2/);
    assert.deepEqual(probe.states, []);
  });

  void it("refuses a host's certificate used to claim another host's name", async () => {
    const added = await real.addHost("web-3");
    await real.addHost("victim-1");
    const identity = await bootstrap(real, "web-3", added.bootstrapToken, added.caPem, join(agentDir, "web-3"));
    const probe = new AgentLinkProbe(real.coordinator.address, "victim-1", "", hostLinkCredentials(identity));
    assert.equal((await probe.refusal()).code, status.UNAUTHENTICATED);
    probe.close();
    assert.deepEqual(probe.states, []);
  });

  void it("an agent refuses a coordinator whose certificate it cannot verify, and sends it no token", async () => {
    const added = await real.addHost("web-4");
    // The impostor holds the same host and token names in its own store; it must never see the token.
    const impostorLog = impostor.log.length;
    await assert.rejects(bootstrap(impostor, "web-4", added.bootstrapToken, real.tls.caPem, join(agentDir, "web-4-impostor")), /certificate request to .*: /);
    assert.deepEqual(impostor.log.slice(impostorLog).filter((line) => line.includes("certificate request")), []);
    const identity = await bootstrap(real, "web-4", added.bootstrapToken, added.caPem, join(agentDir, "web-4"));
    const probe = new AgentLinkProbe(impostor.coordinator.address, "web-4", "", hostLinkCredentials(identity));
    assert.equal((await probe.refusal()).code, status.UNAVAILABLE);
    probe.close();
    assert.deepEqual(impostor.coordinator.link.connectedHosts(), []);
  });

  void it("refuses a stolen bootstrap token replayed after its first use, for a certificate or as a Hello token", async () => {
    const added = await real.addHost("web-5");
    await bootstrap(real, "web-5", added.bootstrapToken, added.caPem, join(agentDir, "web-5"));
    await assert.rejects(bootstrap(real, "web-5", added.bootstrapToken, added.caPem, join(agentDir, "web-5-thief")), /UNAUTHENTICATED|not a valid, unused bootstrap token/);
    const probe = new AgentLinkProbe(real.coordinator.address, "web-5", added.bootstrapToken, credentials.createSsl(Buffer.from(real.tls.caPem)));
    assert.equal((await probe.refusal()).code, status.UNAUTHENTICATED);
    probe.close();
  });

  void it("refuses a revoked bootstrap token, and revoking a host's credential ends its open link and refuses it after", async () => {
    const unused = await real.addHost("web-6");
    await revokeToken(real.store.db, unused.tokenId);
    await assert.rejects(bootstrap(real, "web-6", unused.bootstrapToken, unused.caPem, join(agentDir, "web-6")), /not a valid, unused bootstrap token/);

    const added = await real.addHost("web-7");
    const identity = await bootstrap(real, "web-7", added.bootstrapToken, added.caPem, join(agentDir, "web-7"));
    const probe = new AgentLinkProbe(real.coordinator.address, "web-7", "", hostLinkCredentials(identity));
    await waitFor("web-7 to connect", () => (real.coordinator.link.isConnected("web-7") ? true : undefined));
    const credential = (await listTokens(real.store.db, { scope: "host", subject: "web-7" })).find((token) => token.revokedAt === null);
    assert.ok(credential, "the certificate's credential is a live token");
    await revokeToken(real.store.db, credential.id);
    const ended = await probe.refusal();
    probe.close();
    assert.equal(ended.code, status.UNAUTHENTICATED);
    const again = new AgentLinkProbe(real.coordinator.address, "web-7", "", hostLinkCredentials(identity));
    assert.equal((await again.refusal()).code, status.UNAUTHENTICATED);
    again.close();
  });

  void it("answers a certificate request on the unverified path only with the CA's word: a bad request spends no token", async () => {
    const added = await real.addHost("web-8");
    const client = new AgentLinkClient(real.coordinator.address, credentials.createSsl(Buffer.from(real.tls.caPem)));
    const error = await new Promise<ServiceError>((resolve) => client.requestHostCertificate({ hostName: "web-8", bootstrapToken: added.bootstrapToken, csrPem: "not a csr" }, (failure) => resolve(failure!)));
    client.close();
    assert.equal(error.code, status.INVALID_ARGUMENT);
    await bootstrap(real, "web-8", added.bootstrapToken, added.caPem, join(agentDir, "web-8"));
  });
});
