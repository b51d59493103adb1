// `vigil up` end to end as a child process in its own process group: create a service through the
// Admin API, see it run, restart after a kill, and log; Ctrl-C exits 0 leaving no process behind.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { credentials, Metadata } from "@grpc/grpc-js";
import { AdminClient, type Service } from "@vigil/shared";
import { eventually } from "../testing/control-plane-harness.js";
import { defaultAccountName } from "../run/embedded-setup.js";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

function call<Req, Res>(fn: (request: Req, metadata: Metadata, callback: (error: Error | null, response: Res) => void) => unknown, request: Req, metadata: Metadata): Promise<Res> {
  return new Promise((resolve, reject) => fn(request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
}

describe("vigil up", () => {
  let dir: string;
  let child: ChildProcess;
  let output = "";
  let client: AdminClient;
  let auth: Metadata;
  const exited = () => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vigil-up-"));
    // Run as root, services run as nobody with a home inside the state directory: it must be reachable.
    chmodSync(dir, 0o755);
    child = spawn(process.execPath, ["--import", "tsx", MAIN, "up", "--state-dir", join(dir, "state"), "--listen", "127.0.0.1:0"], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, VIGIL_CLIENT_CONFIG: join(dir, "client.json") },
    });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await eventually("vigil up ready", () => (output.includes("vigil up: ready") ? true : undefined), 90_000);
    const address = /listening on (\S+)/.exec(output)![1]!;
    const token = /operator token (\S+)/.exec(output)![1]!;
    client = new AdminClient(address, credentials.createInsecure());
    auth = new Metadata();
    auth.set("authorization", `Bearer ${token}`);
    assert.ok(existsSync(join(dir, "client.json")), "the CLI config was written");
  });

  after(() => {
    client?.close();
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a service that runs, restarts after a kill and logs; Ctrl-C stops everything and exits 0", async (t) => {
    const account = defaultAccountName();
    const ref = { account, name: "hello" };
    const created = Date.now();
    await call(client.createService.bind(client), { account, service: { name: "hello", command: 'while true; do echo "hello on $PORT"; sleep 0.2; done', workingDirectory: "", environment: {}, environmentString: "", checkHealthCommand: "", isDisabled: false, annotation: "", ports: [], portCount: 0 } }, auth);
    const running = await eventually("hello running", async () => {
      const service = await call<typeof ref, Service>(client.getService.bind(client), ref, auth);
      return service.status?.state === "running" && service.status.mainPid > 0 ? service : undefined;
    });
    t.diagnostic(`vigil up: create-to-running through the Admin API: ${Date.now() - created} ms`);
    const firstPid = running.status!.mainPid;
    process.kill(firstPid, "SIGKILL");
    const restarted = await eventually("hello restarted", async () => {
      const service = await call<typeof ref, Service>(client.getService.bind(client), ref, auth);
      return service.status?.state === "running" && service.status.mainPid !== firstPid && service.status.restarts >= 1 ? service : undefined;
    });
    const logs = await eventually("hello's output in its log", async () => {
      const tail = await call<{ account: string; name: string; lines: number }, { lines: string[] }>(client.tailLogs.bind(client), { ...ref, lines: 50 }, auth);
      return tail.lines.some((line) => line.includes("hello on 8300")) ? tail.lines : undefined;
    });
    assert.ok(logs.length > 0);
    const pid = restarted.status!.mainPid;
    process.kill(child.pid!, "SIGINT");
    assert.equal(await exited(), 0, output);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, "the service's process is gone");
    assert.throws(() => process.kill(-child.pid!, 0), /ESRCH/, "nothing is left in vigil up's process group");
    assert.match(output, /vigil up: stopped/);
  });
});
