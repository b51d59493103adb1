// `vigil service restart|stop|start --all` against `vigil up` with a real agent: a file of services
// applied at once, restarted with new pids, stopped until every process exited, started again.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Service } from "@vigil/shared";
import { defaultAccountName } from "../run/embedded-setup.js";
import { eventually } from "../testing/control-plane-harness.js";
import { startUp, type UpInstance } from "../testing/up-instance.js";
import { runCli } from "./testing/run-cli.js";

const COUNT = 12;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("vigil service stop|start|restart --all (vigil up)", () => {
  let dir: string;
  let up: UpInstance;
  let env: NodeJS.ProcessEnv;
  const account = defaultAccountName();
  const vigil = (...args: string[]) => runCli([...args, "--account", account], env);
  const services = async () => JSON.parse((await vigil("service", "ls", "--json")).stdout) as Service[];
  /** The main pids once every service runs, by name. */
  const allRunning = (what: string, unlike: ReadonlyMap<string, number> = new Map()) =>
    eventually(
      what,
      async () => {
        const listed = await services();
        const running = listed.filter((service) => service.status?.state === "running" && service.status.mainPid > 0 && unlike.get(service.name) !== service.status.mainPid);
        return listed.length === COUNT && running.length === COUNT ? new Map(running.map((service) => [service.name, service.status!.mainPid])) : undefined;
      },
      90_000,
    ).catch((error: Error) => assert.fail(`${error.message}; vigil up said: ${up.output()}`));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vigil-cli-bulk-"));
    chmodSync(dir, 0o755);
    up = startUp(["--state-dir", join(dir, "state"), "--homes-dir", join(dir, "homes"), "--listen", "127.0.0.1:0"], { VIGIL_CLIENT_CONFIG: join(dir, "client.json") });
    (await up.ready()).close();
    env = { ...process.env, VIGIL_CLIENT_CONFIG: join(dir, "client.json") };
  });

  after(async () => {
    if (up.child.exitCode === null && up.child.pid !== undefined) {
      process.kill(up.child.pid, "SIGINT");
      await up.exited();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test("restart --all gives every service a new pid; stop --all ends every process; start --all runs them again", async () => {
    const file = join(dir, "services.yaml");
    writeFileSync(file, `services:\n${Array.from({ length: COUNT }, (_, i) => `  worker-${i}:\n    command: exec sleep 100000\n`).join("")}`);
    const applied = await vigil("apply", "-f", file);
    assert.equal(applied.code, 0, applied.stderr);
    const first = await allRunning("every service running");

    const restarted = await vigil("service", "restart", "--all");
    assert.deepEqual([restarted.code, restarted.stdout], [0, `restarted ${COUNT} of ${COUNT} service(s)\n`], restarted.stderr);
    const second = await allRunning("every service running with a new pid", first);
    for (const pid of first.values()) assert.equal(alive(pid), false, `the old process ${pid} is gone`);

    const stopped = await vigil("service", "stop", "--all", "--wait");
    assert.deepEqual([stopped.code, stopped.stdout], [0, `stopped ${COUNT} of ${COUNT} service(s)\n`], stopped.stderr);
    // --wait returned: every process has exited and every service reads stopped, at once.
    assert.match(stopped.stderr, new RegExp(`stopping: ${COUNT} of ${COUNT} stopped\\n$`));
    assert.deepEqual([...second.values()].filter(alive), []);
    assert.deepEqual((await services()).filter((service) => service.status?.state !== "stopped").map((service) => service.name), []);

    const started = await vigil("service", "start", "--match", "worker-1*");
    assert.deepEqual([started.code, started.stdout], [0, "started 3 of 3 service(s)\n"], started.stderr);
    const all = await vigil("service", "start", "--all", "--wait");
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stderr, new RegExp(`starting: ${COUNT} of ${COUNT} running\\n$`));
    assert.equal((await services()).filter((service) => service.status?.state === "running").length, COUNT);
  });

  test("--wait gives up after --timeout, naming what has not settled, and exits 1", async () => {
    const file = join(dir, "stubborn.yaml");
    // A service that ignores SIGTERM keeps stopping until the stop timeout (8 s) escalates to SIGKILL.
    writeFileSync(file, `services:\n  stubborn:\n    command: trap '' TERM; while :; do sleep 1; done\n    stop_timeout: 8000\n`);
    assert.equal((await vigil("apply", "-f", file)).code, 0);
    await eventually("stubborn running", async () => ((await services()).find((service) => service.name === "stubborn")?.status?.state === "running" ? true : undefined), 90_000);
    const waited = await vigil("service", "stop", "--match", "stubborn", "--wait", "--timeout", "2");
    assert.equal(waited.code, 1);
    assert.match(waited.stderr, /1 service\(s\) not stopped after 2 s: \S+\/stubborn \(stopping\)/);
    const usage = await vigil("service", "stop", "stubborn", "--wait");
    assert.deepEqual([usage.code, usage.stderr], [2, "vigil: --wait and --timeout go with --all or --match\n"]);
  });

  test("a name together with --all, or neither, is a usage error (exit 2)", async () => {
    const both = await vigil("service", "stop", "worker-1", "--all");
    assert.deepEqual([both.code, both.stderr], [2, "vigil: name: give a service name or --all/--match, not both\n"]);
    const neither = await vigil("service", "restart");
    assert.deepEqual([neither.code, neither.stderr], [2, "vigil: name: is required (or --all, or --match <glob>)\n"]);
  });
});
