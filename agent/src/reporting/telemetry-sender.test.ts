// Heartbeats and metrics are latest-value telemetry: sent at once while the bus is up, dropped and counted
// (with one log line per series) while it is not, and never queued for later.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { recordingLogger } from "@vigil/shared/logging";
import { TelemetrySender } from "./telemetry-sender.js";

class FakeBus {
  connected = true;
  readonly published: string[] = [];
  hang = false;
  fail = false;

  async publish(_subject: string, messageId: string): Promise<void> {
    if (this.hang) return new Promise(() => undefined);
    if (this.fail) throw new Error("timeout");
    this.published.push(messageId);
  }
}

const data = new Uint8Array([1]);

void describe("TelemetrySender", () => {
  void it("publishes while the bus is connected", async () => {
    const bus = new FakeBus();
    const sender = new TelemetrySender(bus, recordingLogger().logger);
    await sender.send("heartbeat", "s", "h-1", data);
    assert.deepEqual(bus.published, ["h-1"]);
    assert.equal(sender.dropped, 0);
  });

  void it("drops and counts while the bus is disconnected, logs once per series, and never sends them later", async () => {
    const bus = new FakeBus();
    bus.connected = false;
    const { logger, lines } = recordingLogger();
    const sender = new TelemetrySender(bus, logger);
    for (let i = 0; i < 5; i++) await sender.send("heartbeat", "s", `h-${i}`, data);
    await sender.send("metrics", "s", "m-0", data);
    assert.equal(sender.dropped, 6);
    assert.deepEqual(lines, ["telemetry: heartbeat dropped (disconnected); reports are not queued while the bus is unreachable, further drops are counted"]);
    bus.connected = true;
    await sender.send("heartbeat", "s", "h-5", data);
    assert.deepEqual(bus.published, ["h-5"], "only the report made after the outage goes out");
    assert.equal(lines[1], "telemetry: the bus takes reports again; 6 heartbeat/metrics reports were dropped meanwhile (6 since start)");
  });

  void it("keeps at most one report of each kind waiting for the bus, dropping the next instead of piling up", async () => {
    const bus = new FakeBus();
    bus.hang = true;
    const sender = new TelemetrySender(bus, recordingLogger().logger);
    void sender.send("heartbeat", "s", "h-0", data);
    await sender.send("heartbeat", "s", "h-1", data);
    await sender.send("heartbeat", "s", "h-2", data);
    assert.equal(sender.dropped, 2, "counted; a slow answer alone is not logged as an outage");
  });

  void it("counts a report the bus failed as dropped and does not retry it", async () => {
    const bus = new FakeBus();
    bus.fail = true;
    const sender = new TelemetrySender(bus, recordingLogger().logger);
    await sender.send("metrics", "s", "m-0", data);
    bus.fail = false;
    await sender.send("metrics", "s", "m-1", data);
    assert.equal(sender.dropped, 1);
    assert.deepEqual(bus.published, ["m-1"]);
  });
});
