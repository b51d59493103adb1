// The operator CLI against `vigil up` (a coordinator with a real local agent): a service created
// through the CLI runs, `logs -f` follows the lines it writes, `ps` lists it, restart works.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ProcessInfo, type Service } from "@vigil/shared";
import { defaultAccountName } from "../run/embedded-setup.js";
import { eventually } from "../testing/control-plane-harness.js";
import { CLI_BIN, runCli, spawnCli } from "./testing/run-cli.js";

describe("vigil CLI with a running agent (vigil up)", () => {
  let dir: string;
  let up: ChildProcess;
  let upOutput = "";
  let env: NodeJS.ProcessEnv;
  const account = defaultAccountName();
  const vigil = (...args: string[]) => runCli([...args, "--account", account], env);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vigil-cli-up-"));
    // As root, services run as nobody, whose home is inside this directory (the test removes it).
    chmodSync(dir, 0o755);
    up = spawn(process.execPath, [CLI_BIN, "up", "--state-dir", join(dir, "state"), "--homes-dir", join(dir, "homes"), "--listen", "127.0.0.1:0"], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, VIGIL_CLIENT_CONFIG: join(dir, "client.json") },
    });
    up.stdout!.on("data", (chunk: Buffer) => (upOutput += chunk.toString()));
    up.stderr!.on("data", (chunk: Buffer) => (upOutput += chunk.toString()));
    await eventually("vigil up ready", () => (upOutput.includes("vigil up: ready") ? true : undefined), 90_000);
    // The address and token come from the config file `vigil up` wrote, as an operator's would.
    env = { ...process.env, VIGIL_CLIENT_CONFIG: join(dir, "client.json") };
  });

  after(async () => {
    if (up.exitCode === null && up.pid !== undefined) {
      process.kill(up.pid, "SIGINT");
      await new Promise((resolve) => up.once("exit", resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test("create runs the service; logs -f follows its new lines; ps lists it; restart restarts it", async () => {
    const created = await vigil("service", "create", "ticker", 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done');
    assert.equal(created.code, 0, created.stderr);
    let last = "";
    const running = await eventually(
      "ticker running",
      async () => {
        const shown = await vigil("service", "show", "ticker", "--json");
        last = shown.stdout + shown.stderr;
        const service = JSON.parse(shown.stdout) as Service;
        return service.status?.state === "running" && service.status.mainPid > 0 ? service : undefined;
      },
      60_000,
    ).catch((error: Error) => assert.fail(`${error.message}; last answer: ${last}; vigil up said: ${upOutput}`));
    const table = await vigil("service", "ls");
    assert.match(table.stdout, new RegExp(`^${account}/ticker\\s+\\S+\\s+running\\s+${running.status!.mainPid}\\s`, "m"));

    const follow = spawnCli(["logs", "ticker", "-n", "1", "-f", "--account", account], env);
    let output = "";
    follow.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      const ticks = await eventually("three followed lines", () => {
        const numbers = [...output.matchAll(/tick (\d+)/g)].map((match) => Number(match[1]));
        return numbers.length >= 3 ? numbers : undefined;
      });
      assert.deepEqual(ticks.slice(1, 3), [ticks[0]! + 1, ticks[0]! + 2], `lines follow in order: ${output}`);
    } finally {
      follow.kill("SIGINT");
    }

    const ps = await vigil("ps", "ticker", "--json");
    assert.equal(ps.code, 0, ps.stderr);
    assert.ok((JSON.parse(ps.stdout) as ProcessInfo[]).some((process) => process.pid === running.status!.mainPid));

    const restarted = await vigil("service", "restart", "ticker");
    assert.equal(restarted.code, 0, restarted.stderr);
    await eventually("ticker running with a new pid", async () => {
      const service = JSON.parse((await vigil("service", "show", "ticker", "--json")).stdout) as Service;
      return service.status?.state === "running" && service.status.mainPid !== running.status!.mainPid ? true : undefined;
    });
  });
});
