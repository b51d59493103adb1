// `vigil up` end to end, started as the README starts it: the default state directory under a
// private $HOME (like /root, mode 0700), as root. A service runs, restarts after a kill and logs;
// Ctrl-C exits 0 leaving no process behind.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { lockHolder, logKeeperDir } from "@vigil/agent";
import { type Service } from "@vigil/shared";
import { eventually } from "../testing/control-plane-harness.js";
import { call, runningPid, startUp, type UpClient, type UpInstance } from "../testing/up-instance.js";
import { defaultAccountName } from "../run/embedded-setup.js";
import { defaultHomesDir } from "../run/run-up.js";

describe("vigil up with the default layout", () => {
  let home: string;
  let up: UpInstance;
  let client: UpClient;
  let homesDir: string;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "vigil-up-home-"));
    assert.equal(statSync(home).mode & 0o777, 0o700, "a private home, as /root is");
    homesDir = defaultHomesDir(join(home, ".vigil"));
    up = startUp(["--listen", "127.0.0.1:0"], { HOME: home });
    client = await up.ready();
  });

  after(async () => {
    client?.close();
    await up?.stop();
    rmSync(home, { recursive: true, force: true });
    if (homesDir !== undefined) rmSync(homesDir, { recursive: true, force: true });
  });

  it("creates a service that runs, restarts after a kill and logs; Ctrl-C stops everything and exits 0", async (t) => {
    const account = defaultAccountName();
    const stateDir = join(home, ".vigil");
    assert.equal(statSync(stateDir).mode & 0o777, 0o700, "the state directory is private");
    assert.ok(existsSync(join(home, ".config", "vigil", "config.json")), "the CLI config was written");
    const created = Date.now();
    await client.createService(account, "hello", 'while true; do echo "hello on $PORT"; sleep 0.2; done');
    const firstPid = await runningPid(client, account, "hello");
    t.diagnostic(`vigil up: create-to-running through the Admin API: ${Date.now() - created} ms`);
    process.kill(firstPid, "SIGKILL");
    const restarted = await eventually("hello restarted", async () => {
      const service = await client.getService(account, "hello");
      return service.status?.state === "running" && service.status.mainPid !== firstPid && service.status.restarts >= 1 ? service : undefined;
    }, 60_000);
    await eventually("hello's output in its log", async () => {
      const tail = await call<{ account: string; name: string; lines: number }, { lines: string[] }>(client.client.tailLogs.bind(client.client), { account, name: "hello", lines: 50 }, client.auth);
      return tail.lines.some((line) => line.includes("hello on 8300")) ? tail.lines : undefined;
    }, 60_000);
    const pid = (restarted as Service).status!.mainPid;
    // The log keeper runs in a session of its own, apart from vigil up's process group.
    const keeper = lockHolder(logKeeperDir(join(stateDir, "agent")));
    assert.ok(keeper !== null, "the agent's log keeper runs");
    process.kill(up.child.pid!, "SIGINT");
    assert.equal(await up.exited(), 0, up.output());
    assert.throws(() => process.kill(pid, 0), /ESRCH/, "the service's process is gone");
    // Helpers the agent ran (nft, mkfifo) may still be exiting the instant vigil up does: wait for the
    // group to empty, so that only a process that stays behind fails this.
    await eventually("vigil up's process group to be empty", () => {
      try {
        process.kill(-up.child.pid!, 0);
        return undefined;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === "ESRCH" ? true : undefined;
      }
    }, 10_000);
    await eventually("the log keeper to exit, with no service and no agent left", () => {
      try {
        process.kill(keeper.pid, 0);
        return undefined;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === "ESRCH" ? true : undefined;
      }
    }, 15_000);
    assert.match(up.output(), /vigil up: stopped/);
    assert.ok(!existsSync(join(stateDir, "vigil.lock")), "the state directory is unlocked");
  });
});
