// Events on the link carry the authority of the session they arrive on: a subject, body host or
// message id that disagrees with it is refused and never reaches the recorder.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BusMessage, busNames, eventSubject, HostHeartbeat, ServiceEvent } from "@vigil/shared";
import { checkEventAuthority, LinkEventSource } from "./link-event-source.js";

const names = busNames("vigil");

function serviceEvent(host: string, id = "e1"): Buffer {
  return Buffer.from(BusMessage.encode({ body: { $case: "serviceEvent", value: ServiceEvent.fromPartial({ id, host, kind: "started" }) } }).finish());
}

function heartbeat(host: string, id = "h1"): Buffer {
  return Buffer.from(BusMessage.encode({ body: { $case: "heartbeat", value: HostHeartbeat.fromPartial({ id, host }) } }).finish());
}

describe("link event authority", () => {
  const cases: { name: string; subject: string; messageId: string; data: Buffer; refused: RegExp | null }[] = [
    { name: "its own service event", subject: eventSubject(names, "a", "service"), messageId: "e1", data: serviceEvent("a"), refused: null },
    { name: "its own heartbeat", subject: eventSubject(names, "a", "heartbeat"), messageId: "h1", data: heartbeat("a"), refused: null },
    { name: "a body naming another host", subject: eventSubject(names, "a", "service"), messageId: "e1", data: serviceEvent("b"), refused: /^host: must be a/ },
    { name: "a subject of another host", subject: eventSubject(names, "b", "service"), messageId: "e1", data: serviceEvent("b"), refused: /^subject: must be vigil\.events\.a\.service/ },
    { name: "a subject of another kind", subject: eventSubject(names, "a", "heartbeat"), messageId: "e1", data: serviceEvent("a"), refused: /^subject:/ },
    { name: "a message id that is not the body's", subject: eventSubject(names, "a", "service"), messageId: "other", data: serviceEvent("a"), refused: /^message_id:/ },
    { name: "bytes that are no BusMessage", subject: eventSubject(names, "a", "service"), messageId: "x", data: Buffer.from([0xff, 0xff, 0xff]), refused: /^data:/ },
  ];
  for (const { name, subject, messageId, data, refused } of cases) {
    it(`session of host a sending ${name}: ${refused === null ? "accepted" : "refused"}`, () => {
      const result = checkEventAuthority(names, "a", { subject, messageId, data });
      if (refused === null) assert.equal(result, null);
      else assert.match(result ?? "", refused);
    });
  }

  it("a refused event never reaches the handler; an accepted one does, once", async () => {
    const source = new LinkEventSource(names);
    const seen: string[] = [];
    await source.consume(async (delivery) => void seen.push(delivery.messageId));
    assert.deepEqual(await source.deliver("a", { subject: eventSubject(names, "a", "service"), messageId: "e1", data: serviceEvent("b", "e1") }), { ok: false, message: "event refused: host: must be a, the host of this session" });
    assert.deepEqual(await source.deliver("a", { subject: eventSubject(names, "a", "service"), messageId: "e2", data: serviceEvent("a", "e2") }), { ok: true });
    assert.deepEqual(seen, ["e2"]);
  });

  it("a handler failure is a negative ack carrying its message (the agent resends)", async () => {
    const source = new LinkEventSource(names);
    await source.consume(async () => {
      throw new Error("database unavailable");
    });
    assert.deepEqual(await source.deliver("a", { subject: eventSubject(names, "a", "service"), messageId: "e1", data: serviceEvent("a") }), { ok: false, message: "database unavailable" });
  });
});
