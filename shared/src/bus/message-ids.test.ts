// Message ids are unique per agent start and per event, and refuse a boot id that would make them ambiguous.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MessageIdSequence } from "./message-ids.js";

void describe("MessageIdSequence", () => {
  void it("numbers events of one agent start as <host>-<boot id>-<sequence>", () => {
    const ids = new MessageIdSequence("web-1", "k3x9");
    assert.deepEqual([ids.next(), ids.next(), ids.next()], ["web-1-k3x9-1", "web-1-k3x9-2", "web-1-k3x9-3"]);
  });

  void it("gives different ids after a restart because the boot id differs", () => {
    assert.notEqual(new MessageIdSequence("h", "boot1").next(), new MessageIdSequence("h", "boot2").next());
  });

  void it("rejects an empty host or a boot id with separators, naming the field", () => {
    assert.throws(() => new MessageIdSequence("", "b"), /^Error: host: must not be empty$/);
    assert.throws(() => new MessageIdSequence("h", "a-b"), /^Error: bootId: must match/);
  });
});
