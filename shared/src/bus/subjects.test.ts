// Subject and stream naming: the prefix is validated with a field error, hosts become one subject token,
// and a BusMessage maps to the subject of its kind and its own id.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { BusMessage } from "../gen/vigil/v1/events.js";
import { busNames, compileBusNames, escapeSubjectToken, eventSubject, toBusEnvelope } from "./subjects.js";

void describe("bus names", () => {
  void it("derives stream, wildcard and durable consumer names from the prefix", () => {
    assert.deepEqual(busNames("test-a1_b"), {
      prefix: "test-a1_b",
      stream: "TEST_A1_B_EVENTS",
      allSubjects: "test-a1_b.events.>",
      durableConsumer: "test-a1_b-coordinator",
    });
  });

  void it("rejects a prefix that is not a lowercase subject token, naming the field and the rule", () => {
    for (const bad of ["", "Vigil", "1abc", "a.b", "a*", "a".repeat(33)]) {
      assert.deepEqual(compileBusNames(bad), { ok: false, errors: [{ field: "prefix", rule: "must match ^[a-z][a-z0-9_-]{0,31}$" }] });
    }
    assert.throws(() => busNames("a.b"), /^InvalidInputError: prefix: must match/);
  });

  void it("keeps a host with dots or wildcards in one subject token, distinct from similar hosts", () => {
    const names = busNames("vigil");
    assert.equal(eventSubject(names, "web-1", "heartbeat"), "vigil.events.web-1.heartbeat");
    assert.equal(eventSubject(names, "web1.example.com", "service"), "vigil.events.web1%2Eexample%2Ecom.service");
    assert.notEqual(escapeSubjectToken("a.b"), escapeSubjectToken("a%2Eb"));
    assert.equal(escapeSubjectToken(">"), "%3E");
  });

  void it("turns a BusMessage into the subject of its kind, its own id and its encoding", () => {
    const names = busNames("vigil");
    const message = BusMessage.fromPartial({ body: { $case: "heartbeat", value: { id: "h-b-7", host: "h", atMs: 5 } } });
    const envelope = toBusEnvelope(names, message);
    assert.equal(envelope.subject, "vigil.events.h.heartbeat");
    assert.equal(envelope.messageId, "h-b-7");
    assert.deepEqual(BusMessage.decode(envelope.data), message);
    const event = BusMessage.fromPartial({ body: { $case: "serviceEvent", value: { id: "x", host: "h" } } });
    assert.equal(toBusEnvelope(names, event).subject, "vigil.events.h.service");
    const noId = BusMessage.fromPartial({ body: { $case: "metrics", value: { host: "h" } } });
    assert.throws(() => toBusEnvelope(names, noId), /metrics\.id: must not be empty/);
  });
});
