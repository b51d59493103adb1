// The `vigil` binary against a coordinator with a real agent whose logs rotate every 4 KiB: a stopped
// service keeps its log and status (logs -n, ps), start runs it again; logs -f sees a 5,000-line burst
// whole, once and in order, across the rotations it causes.
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createToken, getAccount } from "@vigil/coordinator";
import { type ProcessInfo, type Service } from "@vigil/shared";
import { runCliInProcess, spawnCli } from "../operator/testing/run-cli.js";
import { ControlPlaneHarness, eventually } from "../testing/control-plane-harness.js";

const BURST_LINES = 5_000;

describe("vigil logs and stop/start with a real agent", () => {
  let harness: ControlPlaneHarness;
  let env: NodeJS.ProcessEnv;
  let home: string;
  // In-process: the same program and gRPC calls without a tsx start per call (15 s each at load 20);
  // logs -f runs as a child process, as an operator runs it.
  const vigil = (...args: string[]) => runCliInProcess([...args, "--account", "acme"], env);
  const shown = async (name: string) => JSON.parse((await vigil("service", "show", name, "--json")).stdout) as Service;
  const inState = (name: string, state: string) =>
    eventually(`${name} ${state}`, async () => {
      const service = await shown(name);
      return service.status?.state === state ? service : undefined;
    }, 90_000);

  before(async () => {
    // The real PostgreSQL: pglite takes 20 s and more to open at load 20.
    harness = await ControlPlaneHarness.start({ logRotation: { max_bytes: 4096, keep_files: 50 }, backend: "postgres" });
    await harness.addAccount("acme");
    await harness.addHost("host-a");
    await harness.startAgent("host-a");
    // Placement takes only a host that is up: wait for the agent's Hello to be done.
    await eventually("host-a connected", () => (harness.coordinator.link.isConnected("host-a") ? true : undefined), 60_000);
    home = (await getAccount(harness.store.db, "acme")).home;
    const operator = await createToken(harness.store.db, { scope: "operator" });
    env = { ...process.env, VIGIL_ADDRESS: harness.address, VIGIL_TOKEN: operator.token, VIGIL_CLIENT_CONFIG: join(home, "no-client-config.json") };
  });
  after(async () => harness.close());

  it("service stop keeps the log readable (logs -n 5 ends with Vigil's stopped line) and ps answers; start runs it with a new pid", async () => {
    const created = await vigil("service", "create", "ticker", 'echo "hello from $$"; while true; do echo tick; sleep 0.2; done', "--stop-timeout", "2000");
    assert.equal(created.code, 0, created.stderr);
    const first = await inState("ticker", "running");
    // Three ticks, so the five last lines after the stop begin with one of the service's own.
    await eventually("three ticks", async () => ((await vigil("logs", "ticker", "-n", "100")).stdout.match(/^tick$/gm)?.length ?? 0) >= 3 || undefined, 90_000);

    const stop = await vigil("service", "stop", "ticker");
    assert.equal(stop.code, 0, stop.stderr);
    const stopped = await inState("ticker", "stopped");
    assert.equal(stopped.desiredState, "stopped");
    const logs = await vigil("logs", "ticker", "-n", "5");
    assert.equal(logs.code, 0, logs.stderr);
    const lines = logs.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 5, logs.stdout);
    assert.match(lines.at(-1)!, /\[vigil\] stopped$/);
    // A tick may land between Vigil's stopping line and the signal reaching the shell.
    assert.ok(lines.slice(1, -1).some((line) => /\[vigil\] stopping \(stop requested\): sending SIGTERM to every process$/.test(line)), logs.stdout);
    assert.equal(lines[0], "tick", "the service's own lines are still there");
    const ps = await vigil("ps", "ticker", "--json");
    assert.equal(ps.code, 0, ps.stderr);
    assert.deepEqual(JSON.parse(ps.stdout) as ProcessInfo[], []);

    const start = await vigil("service", "start", "ticker");
    assert.equal(start.code, 0, start.stderr);
    const again = await inState("ticker", "running");
    assert.notEqual(again.status?.mainPid, first.status?.mainPid);
    const later = await eventually("the new run's greeting", async () => {
      // The service writes five ticks a second: on a loaded machine the greeting is soon far from the end.
      const tail = await vigil("logs", "ticker", "-n", "5000");
      return tail.stdout.includes(`hello from ${again.status?.mainPid}`) ? tail.stdout : undefined;
    }, 90_000);
    assert.ok(later.includes(`started with pid ${again.status?.mainPid}`), later);
  });

  it("logs -f sees every line of a 5,000-line burst once and in order, across log rotations", async () => {
    // Waits for a file the test creates, so the burst starts only once the follower is reading.
    const command = `while [ ! -e go ]; do sleep 0.05; done; i=1; while [ $i -le ${BURST_LINES} ]; do echo "burst $i"; i=$((i+1)); done; exec sleep 100000`;
    const created = await vigil("service", "create", "flood", command);
    assert.equal(created.code, 0, created.stderr);
    await inState("flood", "running");

    const follow = spawnCli(["logs", "flood", "-f", "-n", "1", "--account", "acme"], env);
    let output = "";
    follow.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually("the follower's first line", () => (output.includes("started with pid") ? true : undefined), 90_000);
      writeFileSync(join(home, "go"), "");
      await eventually("the last line of the burst", () => (output.includes(`burst ${BURST_LINES}\n`) ? true : undefined), 120_000);
    } finally {
      follow.kill("SIGINT");
    }
    const numbers = [...output.matchAll(/^burst (\d+)$/gm)].map((match) => Number(match[1]));
    assert.equal(numbers.length, BURST_LINES, "every line once");
    assert.ok(numbers.every((number, index) => number === index + 1), "in order");
    const rotated = readdirSync(join(home, "admin", "logs", "services")).filter((name) => name.startsWith("flood.log."));
    assert.ok(rotated.length >= 5, `the burst rotated the log several times: ${rotated.join(", ")}`);
  });
});
