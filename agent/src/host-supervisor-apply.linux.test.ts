// Real processes: stop leaves nothing (setsid and double-forked children included), only a changed
// service restarts, removal during backoff is final, and a service runs as its user with its environment.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { chownSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isAlive } from "./driver/driver-test-kit.js";
import { pidsWithMarker, QUICK_CONFIG, type RealHost, realHost, waitUntil } from "./testing/real-host.js";

let real: RealHost;
before(async () => (real = await realHost({ ...QUICK_CONFIG, restart_policy: { ...QUICK_CONFIG.restart_policy, backoff_base_ms: 2_000 } })));
after(() => real.cleanup());

const marker = (): string => `${randomInt(10_000_000, 99_999_999)}`;
const keyOf = (name: string): string => `${real.user.name}/${name}`;

void describe("real processes: apply, stop and identity", () => {
  void it("stop leaves no process of the service, including a setsid grandchild and a double fork", async () => {
    const mark = marker();
    const command = `setsid sh -c 'sleep ${mark}' & (sleep ${mark} &) ; trap '' TERM; exec sleep ${mark}`;
    await real.host.apply([real.desired({ name: "tree", command })]);
    await real.waitForStatus("tree", (s) => s.state === "running", "running");
    await waitUntil(() => (pidsWithMarker(mark).length >= 3 ? true : undefined), "three processes");
    const pids = pidsWithMarker(mark);
    await real.host.apply([]);
    assert.deepEqual(pids.filter(isAlive), []);
    assert.deepEqual(pidsWithMarker(mark), []);
    const stopped = real.events.filter((event) => event.service === "tree").map((event) => event.kind);
    assert.deepEqual(stopped.slice(-2), ["stopping", "stopped"]);
  });

  void it("changing one of three services restarts only that one; the others keep their pid", async () => {
    const one = real.desired({ name: "one", command: `exec sleep ${marker()}` });
    const two = real.desired({ name: "two", command: `exec sleep ${marker()}` });
    const three = real.desired({ name: "three", command: `exec sleep ${marker()}` });
    await real.host.apply([one, two, three]);
    const before = await Promise.all(["one", "two", "three"].map((name) => real.status(name)));
    await real.host.apply([one, real.desired({ name: "two", command: `exec sleep ${marker()}` }), three]);
    const afterChange = await Promise.all(["one", "two", "three"].map((name) => real.status(name)));
    assert.equal(afterChange[0]?.mainPid, before[0]?.mainPid);
    assert.notEqual(afterChange[1]?.mainPid, before[1]?.mainPid);
    assert.equal(afterChange[2]?.mainPid, before[2]?.mainPid);
    assert.ok(!isAlive(before[1]!.mainPid!));
    assert.ok(afterChange.every((status) => status.state === "running" && isAlive(status.mainPid!)));
    await real.host.apply([]);
  });

  void it("removing a service during its backoff stops it for good", async () => {
    await real.host.apply([real.desired({ name: "flaky", command: "exit 1" })]);
    await real.waitForStatus("flaky", (s) => s.state === "backoff", "backoff", 10_000);
    const startsBefore = real.events.filter((event) => event.service === "flaky" && event.kind === "started").length;
    await real.host.apply([]);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const startsAfter = real.events.filter((event) => event.service === "flaky" && event.kind === "started").length;
    assert.equal(startsAfter, startsBefore);
    assert.deepEqual((await real.host.status()).map((status) => status.key), []);
    assert.equal(real.events.filter((event) => event.service === "flaky").at(-1)?.kind, "stopped");
  });

  void it("a service runs as the account's user in its working directory", async () => {
    const desired = real.desired({ name: "whoami", workingDirectory: "app", command: 'echo "uid=$(id -u) gid=$(id -g) groups=$(id -G) home=$HOME pwd=$(pwd)"; exec sleep 600' });
    const appDir = join(desired.account.home, "app");
    mkdirSync(appDir);
    chownSync(appDir, real.user.uid, real.user.gid);
    await real.host.apply([desired]);
    const line = await waitUntil(async () => (await real.host.tailLog(keyOf("whoami"), 5)).find((text) => text.startsWith("uid=")), "the identity line");
    const { uid, gid } = real.user;
    assert.equal(line, `uid=${uid} gid=${gid} groups=${gid} home=${desired.account.home} pwd=${appDir}`);
    const [observed] = (await real.host.statusOf(keyOf("whoami"))).processes;
    assert.equal(observed?.user, real.user.name);
    await real.host.apply([]);
  });

  void it("the service sees its environment and PORT", async () => {
    const command = 'echo "PORT=$PORT PORTS=$PORTS GREETING=$GREETING LANG=$LANG USER=$USER LOGNAME=$LOGNAME"; echo "PATH=$PATH"; env | wc -l; exec sleep 600';
    const desired = real.desired({ name: "env", command, environment: { GREETING: "hello world" } }, [8305, 8306]);
    await real.host.apply([desired]);
    const lines = await waitUntil(async () => {
      const tail = (await real.host.tailLog(keyOf("env"), 10)).filter((text) => !text.includes("[vigil]"));
      return tail.length >= 3 ? tail : undefined;
    }, "the environment lines");
    assert.equal(lines[0], `PORT=8305 PORTS=8305,8306 GREETING=hello world LANG=C.UTF-8 USER=${real.user.name} LOGNAME=${real.user.name}`);
    assert.equal(lines[1], "PATH=/usr/local/bin:/usr/bin:/bin");
    assert.ok(Number(lines[2]) < 15, `a clean environment, got ${lines[2]} variables`);
    await real.host.apply([]);
  });

  void it("a missing working directory and a missing command are clear start failures", async () => {
    await real.host.apply([real.desired({ name: "nodir", workingDirectory: "does/not/exist" }), real.desired({ name: "nocmd", command: "no-such-program --serve" })]);
    const nodir = await real.waitForEvent("nodir", "start-failed");
    const nocmd = await real.waitForEvent("nocmd", "start-failed");
    assert.equal(nodir.reason, "missing-directory");
    assert.match(nodir.message, /does\/not\/exist/);
    assert.equal(nocmd.reason, "command-not-found");
    assert.equal(nocmd.message, "start failed: command not found: no-such-program");
    await real.host.apply([]);
  });
});
