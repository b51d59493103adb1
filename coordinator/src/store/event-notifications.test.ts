// The events table's notification on both backends: a listener is told after a commit that stored
// events (and not before), and closing the store ends its listener.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { recordHostEvent } from "./repositories/events.js";
import { testStoreBackends, withTestStore } from "./testing/test-stores.js";
import { until } from "../testing/until.js";

for (const backend of testStoreBackends) {
  describe(`event notifications on ${backend.name}`, () => {
    test("a listener is told once a transaction that stored events commits, not while it is open", () =>
      withTestStore(backend, async (store) => {
        let told = 0;
        const unlisten = await store.listenForEvents(() => void (told += 1));
        await store.transaction(async (tx) => {
          await recordHostEvent(tx, { host: "h", kind: "host-up", at: new Date(), message: "first contact" });
          await new Promise((resolve) => setTimeout(resolve, 200));
          assert.equal(told, 0, "told before the commit");
        });
        await until("the notification", () => (told > 0 ? true : undefined), 10_000);
        await unlisten();
      }));
  });
}
