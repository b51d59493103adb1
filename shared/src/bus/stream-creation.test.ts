import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addStreamRetryingStoreFailure } from "./stream-creation.js";

const apiError = (code: number, message: string) => Object.assign(new Error(message), { code });

void describe("addStreamRetryingStoreFailure", () => {
  void it("creates the stream once the server's store race has passed", async () => {
    let calls = 0;
    const created = await addStreamRetryingStoreFailure(async () => {
      if (++calls < 3) throw apiError(10049, "error creating store for stream");
      return "created";
    });
    assert.deepEqual([created, calls], ["created", 3]);
  });

  void it("does not retry another refusal, and gives up on a store that keeps failing", async () => {
    let calls = 0;
    await assert.rejects(addStreamRetryingStoreFailure(() => (calls++, Promise.reject(apiError(10065, "subjects overlap with an existing stream")))), /subjects overlap/);
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(addStreamRetryingStoreFailure(() => (calls++, Promise.reject(apiError(10077, "error creating store for stream")))), /creating store/);
    assert.equal(calls, 5);
  });
});
