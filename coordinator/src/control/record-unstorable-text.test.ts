// Issue 11 on the event bus: a report whose text a tenant controls (a health check printing NUL) is
// stored with U+FFFD in place of what PostgreSQL cannot hold, instead of failing on every redelivery.
import assert from "node:assert/strict";
import { test } from "node:test";
import { BusMessage, ServiceEvent } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";
import { createAccount } from "../store/repositories/accounts.js";
import { listEvents } from "../store/repositories/events.js";
import { sampleAccount } from "../store/testing/fixtures.js";
import { testStoreBackends } from "../store/testing/test-stores.js";
import { AgentReportRecorder } from "./record-agent-reports.js";

test("a health check's output with NUL and a lone surrogate is recorded with U+FFFD, not refused", async () => {
  const store = await testStoreBackends.find((backend) => backend.name === "postgres")!.open();
  try {
    await createAccount(store.db, sampleAccount("alpha"));
    const recorder = new AgentReportRecorder({ store, notifier: { hostsChanged: () => undefined }, logger: recordingLogger().logger });
    const event = ServiceEvent.fromPartial({
      id: "evt-nul",
      host: "host-a",
      service: { account: "alpha", name: "web" },
      kind: "health-check-failed",
      state: "running",
      atMs: Date.now(),
      message: "check failed",
      output: "bad\0output \ud800 end",
    });
    await recorder.handle({ subject: "vigil.events.host-a.event", messageId: "evt-nul", data: BusMessage.encode({ body: { $case: "serviceEvent", value: event } }).finish(), deliveries: 1 } as never);
    const [stored] = await listEvents(store.db, { account: "alpha" });
    assert.equal((stored?.payload as { output?: string } | undefined)?.output, "bad\uFFFDoutput \uFFFD end");
  } finally {
    await store.close();
  }
});
