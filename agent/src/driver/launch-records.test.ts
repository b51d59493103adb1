// Launch records survive as whole files, read back exactly, and damaged files are ignored,
// so a restarted agent never acts on half a record.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LaunchRecord, LaunchRecords, parseLaunchRecord } from "./launch-records.js";

const stateDir = mkdtempSync(join(tmpdir(), "vigil-records-"));
after(() => rmSync(stateDir, { recursive: true, force: true }));

const record: LaunchRecord = {
  version: 1,
  unit: "alice/web",
  tracking: { kind: "process-group", pgid: 4242 },
  pid: 4242,
  pidStartTicks: 98765,
  bootId: "b0",
  startedAt: 1_700_000_000_000,
  specHash: "abc",
};

void test("a written record reads back whole and leaves no temporary file", () => {
  const records = new LaunchRecords(stateDir);
  records.write(record);
  records.write({ ...record, pid: 4343, tracking: { kind: "process-group", pgid: 4343 } });
  assert.deepEqual(records.readAll(), [{ ...record, pid: 4343, tracking: { kind: "process-group", pgid: 4343 } }]);
  assert.deepEqual(readdirSync(join(stateDir, "launches")), ["alice%2Fweb.json"]);
  records.remove("alice/web");
  assert.deepEqual(records.readAll(), []);
});

void test("damaged or foreign record files are ignored", () => {
  const records = new LaunchRecords(stateDir);
  writeFileSync(join(stateDir, "launches", "torn.json"), '{"version":1,"unit":"x"');
  writeFileSync(join(stateDir, "launches", "pgid-one.json"), JSON.stringify({ ...record, tracking: { kind: "process-group", pgid: 1 } }));
  assert.deepEqual(records.readAll(), []);
  assert.equal(parseLaunchRecord(JSON.stringify({ ...record, version: 2 })), null);
});
