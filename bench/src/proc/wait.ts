// Bounded waiting for the bench: every wait has a deadline, and a timeout says what it waited for.
import { setTimeout as sleep } from "node:timers/promises";

export { sleep };

export class WaitTimeout extends Error {}

/** Polls until probe() returns a value other than undefined; throws WaitTimeout after timeoutMs. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs: number, stepMs = 2): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new WaitTimeout(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}
