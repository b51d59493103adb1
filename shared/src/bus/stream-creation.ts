// Creating a JetStream stream, retried when the server failed to create its file store. nats-server
// 2.9 removes an account's empty streams directory when its last stream is deleted; a stream created
// at that moment fails with "could not create storage directory ... no such file or directory"
// (answered as 10049, "error creating store for stream"). Seen when parallel tests create and delete
// streams; a coordinator starting while another deletes its last stream would meet it the same way.
import { setTimeout as delay } from "node:timers/promises";

/** JSStreamCreateErrF (what a standalone server answers) and JSStreamStoreFailedF. */
const STORE_FAILURE_CODES: ReadonlySet<unknown> = new Set([10049, 10077]);
const ATTEMPTS = 5;

function isStoreFailure(error: unknown): boolean {
  return typeof error === "object" && error !== null && STORE_FAILURE_CODES.has((error as { code?: unknown }).code) && /store/i.test(String((error as { message?: unknown }).message));
}

/** Runs `add` until it succeeds or fails for another reason; a store failure is retried 4 times, 100-400 ms apart. */
export async function addStreamRetryingStoreFailure<T>(add: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await add();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isStoreFailure(error)) throw error;
      await delay(100 * attempt);
    }
  }
}
