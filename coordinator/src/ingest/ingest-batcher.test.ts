// The batcher alone, with a fake writer: batches cut by size, submission order kept, one bad report
// isolated from its batch, and an outage failing every report of the batch at once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foldStatusUpdates, type StatusUpdate } from "./ingest-records.js";
import { IngestBatcher } from "./ingest-batcher.js";

void describe("IngestBatcher", () => {
  void it("writes reports submitted together as one batch, in submission order, and cuts batches at maxRecords", async () => {
    const batches: number[][] = [];
    const batcher = new IngestBatcher<number>({ write: async (records) => void batches.push([...records]), maxRecords: 4 });
    await Promise.all([[1], [2, 3], [4], [5], [6]].map((records) => batcher.submit(records)));
    assert.deepEqual(batches, [[1, 2, 3, 4], [5, 6]]);
  });

  void it("fails only the report the writer cannot take; the rest of its batch is written", async () => {
    const written: number[] = [];
    const batcher = new IngestBatcher<number>({
      write: async (records) => {
        if (records.includes(3)) throw new Error("violates a check");
        written.push(...records);
      },
    });
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => batcher.submit([n])));
    assert.deepEqual(outcomes.map((o) => o.status), ["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    assert.deepEqual(written, [1, 2, 4, 5]);
  });

  void it("fails the whole batch in one attempt when the error is not worth isolating (database unavailable)", async () => {
    let attempts = 0;
    const failing = new IngestBatcher<number>({ write: async () => {
        attempts += 1;
        throw new Error("ECONNREFUSED");
      }, isolateAfter: () => false });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => failing.submit([n])));
    assert.ok(outcomes.every((o) => o.status === "rejected"));
    assert.equal(attempts, 1);
  });
});

const update = (host: string, sequence: number, state: StatusUpdate["state"], details: StatusUpdate["details"]): StatusUpdate => ({ ref: { account: "a", name: "s" }, host, state, at: new Date(sequence), sequence, details, placedOnly: false });

void describe("foldStatusUpdates", () => {
  const cases: Array<{ name: string; updates: StatusUpdate[]; expect: Pick<StatusUpdate, "host" | "state" | "sequence" | "details"> }> = [
    { name: "a later report overrides the fields it carries and keeps the others", updates: [update("h", 1, "running", { mainPid: 7, restarts: 1 }), update("h", 2, "running", { restarts: 2 })], expect: { host: "h", state: "running", sequence: 2, details: { mainPid: 7, restarts: 2 } } },
    { name: "an older sequence from the same host changes nothing", updates: [update("h", 5, "running", { mainPid: 7 }), update("h", 3, "backoff", { mainPid: null })], expect: { host: "h", state: "running", sequence: 5, details: { mainPid: 7 } } },
    { name: "another host's report applies whatever its sequence", updates: [update("h", 5, "running", { mainPid: 7 }), update("g", 3, "stopped", { mainPid: null })], expect: { host: "g", state: "stopped", sequence: 3, details: { mainPid: null } } },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const [folded] = foldStatusUpdates(c.updates);
      assert.deepEqual({ host: folded!.host, state: folded!.state, sequence: folded!.sequence, details: folded!.details }, c.expect);
    });
  }
});
