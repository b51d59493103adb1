// Issue 12, with real processes: what status and the log say is what happened. A shell whose main process is
// killed from outside while its `sleep` child runs did not daemonise; an agent shutdown says so instead of
// "removed from this host"; a full log disk (a tmpfs this test mounts) is visible and the lost lines counted.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isAlive } from "./driver/driver-test-kit.js";
import { servicesDir } from "./logs/log-test-kit.js";
import { pidsWithMarker, type RealHost, realHost, waitUntil } from "./testing/real-host.js";

let real: RealHost;
before(async () => (real = await realHost()));
after(() => real.cleanup());

const marker = (): string => `${randomInt(10_000_000, 99_999_999)}`;
const keyOf = (name: string): string => `${real.user.name}/${name}`;

void describe("real processes: states users read", () => {
  void it("reports a shell killed from outside while its sleep child ran as killed by SIGKILL, not as daemonised, and ends the child", async () => {
    const mark = marker();
    // Not `exec`: sh stays the main process and waits for its sleep child.
    await real.host.apply([real.desired({ name: "shell", command: `sleep ${mark}; echo done` })]);
    const first = await real.waitForStatus("shell", (s) => s.state === "running", "running");
    // The shell's own command line holds the marker too.
    const child = await waitUntil(() => pidsWithMarker(mark).find((pid) => pid !== first.mainPid), "the sleep child");
    process.kill(first.mainPid!, "SIGKILL");
    await real.waitForStatus("shell", (s) => s.state === "running" && s.mainPid !== first.mainPid, "started again", 15_000);
    await waitUntil(() => (isAlive(child) ? undefined : true), "the orphaned sleep child to be ended");
    const kinds = real.events.filter((event) => event.service === "shell").map((event) => event.kind);
    assert.deepEqual(kinds, ["started", "exited", "restarting", "started"], "no daemonized event");
    const exited = real.events.find((event) => event.service === "shell" && event.kind === "exited");
    assert.equal(exited?.message, "killed by signal SIGKILL");
    const lines = await real.host.tailLog(keyOf("shell"), 10);
    assert.ok(lines.some((line) => line.endsWith("[vigil] ending the 1 remaining process of the service")), lines.join("\n"));
    assert.ok(!lines.some((line) => line.includes("foreground")), lines.join("\n"));
  });

  void it("makes a full log disk visible: an event, a status flag, and a line counting the dropped lines once space returns", async () => {
    // 100-byte lines: the last partly used page of the log fills within a second, even on a loaded host.
    const desired = real.desired({ name: "chatty", command: `i=0; while :; do i=$((i+1)); echo "line $i ${"x".repeat(90)}"; sleep 0.02; done` });
    const dir = servicesDir(desired.account);
    const account = desired.account;
    let current = account.home;
    for (const part of ["admin", "logs", "services"]) {
      current = join(current, part);
      mkdirSync(current, { recursive: true, mode: 0o750 });
      chownSync(current, account.uid, account.gid);
    }
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=256k,uid=${account.uid},gid=${account.gid},mode=0750`, "vigil-test-logs", dir]);
    try {
      await real.host.apply([desired]);
      const running = await real.waitForStatus("chatty", (s) => s.state === "running", "running");
      // Fill the rest of the tmpfs as root: the service's writes now fail with ENOSPC.
      const filler = join(dir, "filler");
      try {
        writeFileSync(filler, Buffer.alloc(512 * 1024));
      } catch (error) {
        assert.equal((error as NodeJS.ErrnoException).code, "ENOSPC");
      }
      const failed = await real.waitForEvent("chatty", "log-write-failed", 30_000);
      assert.equal(failed.state, "running");
      assert.match(failed.message, /^the service log cannot be written \(.*ENOSPC.*\): the service keeps running/);
      const degraded = await real.waitForStatus("chatty", (s) => s.logDegraded, "the log-degraded flag");
      assert.equal(degraded.mainPid, running.mainPid, "the service keeps running");
      await waitUntil(async () => ((await real.status("chatty")).logLinesDropped >= 10 ? true : undefined), "lines dropped");
      rmSync(filler);
      const recovered = await real.waitForEvent("chatty", "log-write-recovered", 15_000);
      const dropped = Number(/^(\d+) lines were dropped because the log could not be written/.exec(recovered.message)?.[1]);
      assert.ok(dropped >= 10, recovered.message);
      const after = await real.waitForStatus("chatty", (s) => !s.logDegraded, "the flag cleared");
      assert.ok(after.logLinesDropped >= dropped);
      assert.equal(after.mainPid, running.mainPid);
      const log = readFileSync(join(dir, "chatty.log"), "utf8");
      assert.ok(log.includes(`[vigil] ${recovered.message}`), "the log itself says how many lines it lost");
      await real.host.apply([]);
    } finally {
      await real.host.idle();
      execFileSync("umount", ["-l", dir]);
    }
  });

  void it("says the agent is shutting down, not that services were removed, when it stops them at shutdown", async () => {
    const own = await realHost();
    try {
      await own.host.apply([own.desired({ name: "calm", command: `exec sleep ${marker()}` })]);
      await own.waitForStatus("calm", (s) => s.state === "running", "running");
      await own.host.stopAll();
      const stopping = own.events.find((event) => event.service === "calm" && event.kind === "stopping");
      assert.match(stopping?.message ?? "", /^stopping \(the agent is shutting down\): sending SIGTERM to every process$/);
      assert.ok(!own.events.some((event) => event.message.includes("removed from this host")));
    } finally {
      await own.cleanup();
    }
  });
});
