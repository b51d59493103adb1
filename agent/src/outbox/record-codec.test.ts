// Outbox records read back exactly, and a torn or corrupted tail ends the read without an error.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeRecords, encodeRecord } from "./record-codec.js";

const entry = (i: number) => ({ subject: `p.events.h${i}.service`, messageId: `h-boot-${i}`, data: new TextEncoder().encode(`payload ${i} ✓`) });

void describe("outbox record codec", () => {
  void it("reads back every record with the offset just past it", () => {
    const encoded = [entry(1), entry(2), { ...entry(3), data: new Uint8Array() }].map(encodeRecord);
    const { records, damagedAt } = decodeRecords(Buffer.concat(encoded));
    assert.equal(damagedAt, undefined);
    assert.deepEqual(records.map(({ end: _end, ...rest }) => rest), [entry(1), entry(2), { ...entry(3), data: new Uint8Array() }]);
    assert.deepEqual(records.map((record) => record.end), [encoded[0]!.length, encoded[0]!.length + encoded[1]!.length, Buffer.concat(encoded).length]);
  });

  void it("keeps the records before a tail cut at any byte, and reports where the damage starts", () => {
    const first = encodeRecord(entry(1));
    const second = encodeRecord(entry(2));
    for (let cut = 1; cut < second.length; cut++) {
      const { records, damagedAt } = decodeRecords(Buffer.concat([first, second.subarray(0, cut)]));
      assert.deepEqual(records.map((record) => record.messageId), ["h-boot-1"], `cut at ${cut}`);
      assert.equal(damagedAt, first.length);
    }
  });

  void it("stops at a record whose bytes changed, and at garbage after the last record", () => {
    const first = encodeRecord(entry(1));
    const second = Buffer.from(encodeRecord(entry(2)));
    second.writeUInt8(second.readUInt8(second.length - 1) ^ 0xff, second.length - 1);
    assert.deepEqual(decodeRecords(Buffer.concat([first, second])).records.length, 1);
    const garbage = Buffer.from([0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert.deepEqual(decodeRecords(Buffer.concat([first, garbage])), { records: decodeRecords(first).records, damagedAt: first.length });
  });

  void it("starts reading at the given offset (the cursor)", () => {
    const first = encodeRecord(entry(1));
    const both = Buffer.concat([first, encodeRecord(entry(2))]);
    assert.deepEqual(decodeRecords(both, first.length).records.map((record) => record.messageId), ["h-boot-2"]);
  });
});
