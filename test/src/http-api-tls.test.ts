// The HTTP API under the coordinator's TLS: served over HTTPS with the same certificate as gRPC
// (a client that trusts the coordinator's CA gets in with its token; plaintext gets nothing), a
// plaintext HTTP listener off loopback is refused at start naming http_listen, and every request
// is counted in the coordinator's metrics by RPC and HTTP status.
import assert from "node:assert/strict";
import { request } from "node:https";
import { request as plainRequest } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createTestDatabase, createToken, defaultServerNames, loadOrCreateCoordinatorTls, openStore, type RunningCoordinator, startCoordinator, type Store } from "@vigil/coordinator";
import { InProcessBus } from "@vigil/shared";
import { type CoordinatorMetrics, createCoordinatorMetrics } from "@vigil/coordinator/metrics";
import { recordingLogger } from "@vigil/shared/logging";

function httpsGet(url: string, ca: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the HTTP API under TLS", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let stateDir: string;
  let coordinator: RunningCoordinator;
  let metrics: CoordinatorMetrics;
  let caPem: string;
  let token: string;

  before(async () => {
    database = await createTestDatabase();
    store = await openStore({ url: database.url });
    stateDir = mkdtempSync(join(tmpdir(), "vigil-http-tls-"));
    const tls = await loadOrCreateCoordinatorTls(join(stateDir, "tls"), defaultServerNames([]));
    caPem = tls.caPem;
    metrics = createCoordinatorMetrics();
    coordinator = await startCoordinator({ store, events: new InProcessBus(), listen: "127.0.0.1:0", httpListen: "127.0.0.1:0", tls, metrics, logger: recordingLogger().logger });
    token = (await createToken(store.db, { scope: "operator" })).token;
  });
  after(async () => {
    await coordinator.close();
    await store.close();
    await database.drop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  test("is served over HTTPS with the coordinator's certificate, and answers a token's call", async () => {
    assert.match(coordinator.httpUrl ?? "", /^https:\/\/127\.0\.0\.1:\d+$/);
    const listed = await httpsGet(`${coordinator.httpUrl}/v1/hosts`, caPem, token);
    assert.equal(listed.status, 200, listed.body);
    assert.deepEqual(JSON.parse(listed.body), { hosts: [] });
    const refused = await httpsGet(`${coordinator.httpUrl}/v1/hosts`, caPem, "vigil_not-a-token");
    assert.equal(refused.status, 401);
  });

  test("a plaintext client gets no answer from the HTTPS listener", async () => {
    const plain = coordinator.httpUrl!.replace("https://", "http://");
    const outcome = await new Promise<string>((resolve) => {
      const req = plainRequest(`${plain}/v1/hosts`, { headers: { authorization: `Bearer ${token}` } }, (response) => resolve(`status ${response.statusCode}`));
      req.on("error", (error) => resolve(`error ${error.message}`));
      req.setTimeout(5_000, () => req.destroy(new Error("timeout")));
      req.end();
    });
    assert.doesNotMatch(outcome, /^status 200/);
  });

  test("requests are counted by RPC and HTTP status", async () => {
    const text = await metrics.registry.metrics();
    assert.match(text, /vigil_coordinator_api_requests_total\{api="http",method="listHosts",code="200"\} 1/);
    assert.match(text, /vigil_coordinator_api_requests_total\{api="http",method="listHosts",code="401"\} 1/);
  });

  test("a plaintext HTTP listener off loopback is refused at start, naming http_listen", async () => {
    await assert.rejects(
      startCoordinator({ store, events: new InProcessBus(), listen: "127.0.0.1:0", httpListen: "192.0.2.10:7466", logger: recordingLogger().logger }),
      /^Error: http_listen: 192\.0\.2\.10:7466 is not a loopback address/,
    );
  });
});
