// Issue 12: what users read must stay true across an agent restart. The restart count and the crash-loop
// history survive it (kept in the state directory); a service removed from the host takes its history along.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { settle } from "../runtime/fake-clock.js";
import { testDesired } from "../testing/desired-fixtures.js";
import { fakeHost } from "../testing/fake-host.js";
import { FileServiceHistoryStore } from "./service-history.js";

const KEY = "alice/web";
const POLICY = { restart_policy: { max_failures: 4, failure_window_ms: 600_000, jitter_fraction: 0, backoff_base_ms: 10 } };

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "vigil-history-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Crashes the service and lets any backoff run out until it runs again (or is disabled). */
async function crash(fake: ReturnType<typeof fakeHost>): Promise<void> {
  fake.driver.crash(KEY);
  await settle();
  await fake.clock.advance(10_000);
}

void describe("service history across agent restarts", () => {
  void it("keeps the restart count after the agent restarts instead of going back to 0", async () => {
    const first = fakeHost(POLICY, undefined, new FileServiceHistoryStore(dir));
    await first.host.apply([testDesired()]);
    await crash(first);
    await crash(first);
    assert.equal((await first.host.statusOf(KEY)).restarts, 2);
    await first.applyAndWait([]); // what a clean agent shutdown does to its services is covered elsewhere
    const second = fakeHost(POLICY, undefined, new FileServiceHistoryStore(dir));
    await second.host.apply([testDesired()]);
    assert.equal((await second.host.statusOf(KEY)).restarts, 0, "a service removed from the host starts a new history");

    await crash(second);
    const stopping = second.host.stopAll();
    await settle();
    await second.clock.advance(60_000);
    await stopping;
    const third = fakeHost(POLICY, undefined, new FileServiceHistoryStore(dir));
    await third.host.apply([testDesired()]);
    assert.equal((await third.host.statusOf(KEY)).restarts, 1, "the count survives an agent shutdown and start");
  });

  void it("keeps the crash-loop window across an agent restart, so a crash loop is still disabled in time", async () => {
    const first = fakeHost(POLICY, undefined, new FileServiceHistoryStore(dir));
    await first.host.apply([testDesired()]);
    for (let i = 0; i < 3; i++) await crash(first);
    const stopping = first.host.stopAll();
    await settle();
    await first.clock.advance(60_000);
    await stopping;
    const second = fakeHost(POLICY, undefined, new FileServiceHistoryStore(dir));
    await second.clock.advance(first.clock.now() - second.clock.now()); // the same wall clock, a few seconds on
    await second.host.apply([testDesired()]);
    await crash(second);
    const status = await second.host.statusOf(KEY);
    assert.equal(status.state, "disabled", "the fourth failure within the window disables it, though only one happened since the restart");
    assert.equal(status.disabledReason, "crash-loop");
  });

  void it("ignores a damaged history file and says so, starting from 0", async () => {
    const errors: unknown[] = [];
    const store = new FileServiceHistoryStore(dir, (error) => errors.push(error));
    writeFileSync(join(dir, `${encodeURIComponent(KEY)}.json`), "{not json");
    const fake = fakeHost(POLICY, undefined, store);
    await fake.host.apply([testDesired()]);
    assert.equal((await fake.host.statusOf(KEY)).restarts, 0);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /is not a service history, ignored/);
    assert.deepEqual(readdirSync(dir), [`${encodeURIComponent(KEY)}.json`]);
  });
});
