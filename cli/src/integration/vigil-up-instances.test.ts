// Two `vigil up` on one state directory: the second refuses, naming the first, which keeps its
// services (same pids). Two on different state directories never touch each other's services.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { defaultAccountName } from "../run/embedded-setup.js";
import { runningPid, startUp, type UpClient, type UpInstance } from "../testing/up-instance.js";

describe("vigil up instances", () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  function tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Account homes (nobody's, as root) in a directory the test removes, searchable as /var/lib is. */
  function homesDir(): string {
    const dir = tempDir("vigil-up-homes-");
    chmodSync(dir, 0o755);
    return dir;
  }

  async function started(args: string[], home: string): Promise<{ up: UpInstance; client: UpClient }> {
    const up = startUp(["--listen", "127.0.0.1:0", "--homes-dir", homesDir(), ...args], { HOME: home });
    cleanups.push(() => up.stop());
    const client = await up.ready();
    cleanups.push(() => client.close());
    return { up, client };
  }

  it("a second vigil up on the same state directory refuses, naming the holder, and the first one's services keep their pids", async () => {
    const home = tempDir("vigil-up-same-");
    const first = await started([], home);
    const account = defaultAccountName();
    await first.client.createService(account, "steady", "while true; do sleep 1; done");
    const pid = await runningPid(first.client, account, "steady");
    const second = startUp(["--listen", "127.0.0.1:0", "--homes-dir", homesDir()], { HOME: home });
    cleanups.push(() => second.stop());
    assert.equal(await second.exited(), 1, second.output());
    assert.match(second.output(), new RegExp(`state directory ${join(home, ".vigil")} is in use by vigil up \\(pid ${first.up.child.pid}\\)`));
    assert.equal(await runningPid(first.client, account, "steady"), pid, "the first one's service was not touched");
    process.kill(pid, 0);
  });

  it("two vigil up with different state directories each keep their own services", async () => {
    const home = tempDir("vigil-up-two-");
    const a = await started(["--state-dir", join(home, "a")], home);
    const b = await started(["--state-dir", join(home, "b")], home);
    const account = defaultAccountName();
    await a.client.createService(account, "svc", "while true; do sleep 1; done");
    const pidA = await runningPid(a.client, account, "svc");
    await b.client.createService(account, "svc", "while true; do sleep 1; done");
    const pidB = await runningPid(b.client, account, "svc");
    assert.notEqual(pidA, pidB);
    // Stopping b ends b's service only.
    process.kill(b.up.child.pid!, "SIGINT");
    assert.equal(await b.up.exited(), 0, b.up.output());
    assert.throws(() => process.kill(pidB, 0), /ESRCH/);
    process.kill(pidA, 0);
    assert.equal(await runningPid(a.client, account, "svc"), pidA, "a's service kept its pid");
    // b did not take over the user's CLI config while a runs.
    assert.match(b.up.output(), new RegExp(`kept the CLI config \\S+: it points at the vigil up running on ${join(home, "a")}`));
    const config = JSON.parse(readFileSync(join(home, ".config", "vigil", "config.json"), "utf8")) as { address: string };
    assert.equal(config.address, a.client.address);
  });

  it("refuses a homes directory that the services' user cannot reach, saying who, which path and which mode", async () => {
    const home = tempDir("vigil-up-private-");
    const privateHomes = tempDir("vigil-up-homes-private-");
    const up = startUp(["--listen", "127.0.0.1:0", "--homes-dir", privateHomes], { HOME: home });
    cleanups.push(() => up.stop());
    assert.equal(await up.exited(), 1, up.output());
    assert.match(up.output(), new RegExp(`is not reachable by user nobody \\(uid 65534\\), who runs its services: ${privateHomes} is mode 0700`));
  });
});
