// The /metrics listener: the registry's text on GET, nothing else served, and a taken port is an
// error naming the setting.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { recordingLogger } from "@vigil/shared/logging";
import { Counter, Registry } from "prom-client";
import { type MetricsServer, serveMetrics } from "./metrics-server.js";

void describe("metrics server", () => {
  const registry = new Registry();
  new Counter({ name: "vigil_test_total", help: "a test counter", registers: [registry] }).inc(2);
  const { logger, lines } = recordingLogger();
  let server: MetricsServer;
  after(() => server?.close());

  void it("serves the registry on GET /metrics and logs where", async () => {
    server = await serveMetrics(registry, "127.0.0.1:0", logger);
    const response = await fetch(`http://${server.address}/metrics`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /^vigil_test_total 2$/m);
    assert.ok(lines.includes(`serving metrics on http://${server.address}/metrics address=${server.address}`), lines.join("\n"));
  });

  void it("answers 404 for any other path and 405 for any other method", async () => {
    assert.equal((await fetch(`http://${server.address}/`)).status, 404);
    assert.equal((await fetch(`http://${server.address}/metrics/x`)).status, 404);
    assert.equal((await fetch(`http://${server.address}/metrics`, { method: "POST", body: "x" })).status, 405);
  });

  void it("refuses a taken port with an error naming metrics_listen", async () => {
    await assert.rejects(serveMetrics(registry, server.address, logger), /^Error: metrics_listen: cannot bind 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  });
});
