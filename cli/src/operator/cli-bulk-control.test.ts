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

    const stopped = await vigil("service", "stop", "--all");
    assert.deepEqual([stopped.code, stopped.stdout], [0, `stopped ${COUNT} of ${COUNT} service(s)\n`], stopped.stderr);
    await eventually(
      "every process exited and every service stopped",
      async () => ([...second.values()].every((pid) => !alive(pid)) && (await services()).every((service) => service.status?.state === "stopped") ? true : undefined),
      60_000,
    );

    const started = await vigil("service", "start", "--match", "worker-1*");
    assert.deepEqual([started.code, started.stdout], [0, "started 3 of 3 service(s)\n"], started.stderr);
    await vigil("service", "start", "--all");
    await allRunning("every service running again");
  });

  test("a name together with --all, or neither, is a usage error (exit 2)", async () => {
    const both = await vigil("service", "stop", "worker-1", "--all");
    assert.deepEqual([both.code, both.stderr], [2, "vigil: name: give a service name or --all/--match, not both\n"]);
    const neither = await vigil("service", "restart");
    assert.deepEqual([neither.code, neither.stderr], [2, "vigil: name: is required (or --all, or --match <glob>)\n"]);
  });
});
