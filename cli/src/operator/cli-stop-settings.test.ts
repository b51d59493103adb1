// The stop signal, stop timeout and health-check grace period through the real `vigil` binary against
// a loopback Admin server: create and update flags, show --json, refusal of SIGKILL, and apply files.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Service } from "@vigil/shared";
import { type AdminTestServer, startAdminTestServer } from "@vigil/coordinator";
import { runCli } from "./testing/run-cli.js";

describe("vigil CLI: stop and health settings", () => {
  let server: AdminTestServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const vigil = (...args: string[]) => runCli(args, env);
  const shown = async (name: string) => JSON.parse((await vigil("service", "show", name, "--json")).stdout) as Service;
  const names = async () => (JSON.parse((await vigil("service", "ls", "--json")).stdout) as Service[]).map((service) => service.name);

  before(async () => {
    server = await startAdminTestServer();
    dir = await mkdtemp(join(tmpdir(), "vigil-cli-stop-"));
    env = { ...process.env, VIGIL_ADDRESS: server.address, VIGIL_TOKEN: server.tokens.alpha, VIGIL_CLIENT_CONFIG: join(dir, "config.json") };
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("create takes --stop-signal, --stop-timeout and --health-grace; show --json reads them back; update changes one", async () => {
    const created = await vigil("service", "create", "chat", "node chat.js", "--stop-signal", "int", "--stop-timeout", "3000", "--health-cmd", "true", "--health-grace", "5000");
    assert.equal(created.code, 0, created.stderr);
    const chat = await shown("chat");
    assert.deepEqual([chat.stopSignal, chat.stopTimeoutMs, chat.healthCheckGraceMs], ["SIGINT", 3_000, 5_000]);
    const updated = await vigil("service", "update", "chat", "--stop-signal", "SIGQUIT");
    assert.equal(updated.code, 0, updated.stderr);
    const changed = await shown("chat");
    assert.deepEqual([changed.stopSignal, changed.stopTimeoutMs, changed.healthCheckGraceMs], ["SIGQUIT", 3_000, 5_000]);
    assert.match((await vigil("service", "show", "chat")).stdout, /^stop:\s+SIGQUIT, SIGKILL after 3000 ms$/m);
  });

  test("--stop-signal SIGKILL prints the field and the rule, exits 1, and creates nothing", async () => {
    const before = await names();
    const failed = await vigil("service", "create", "killer", "sleep 100", "--stop-signal", "SIGKILL");
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, "");
    assert.match(failed.stderr, /^vigil: stop_signal: must be a signal the service can catch, not SIGKILL \(Vigil sends SIGKILL after stop_timeout\)\n$/);
    assert.deepEqual(await names(), before);
    const tooLong = await vigil("service", "update", "chat", "--stop-timeout", "900000");
    assert.equal(tooLong.code, 1);
    assert.match(tooLong.stderr, /^vigil: stop_timeout: /);
    assert.equal((await shown("chat")).stopTimeoutMs, 3_000, "a refused update changes nothing");
  });

  test("apply sets stop_signal, stop_timeout and health_check_grace_period; a second apply changes nothing", async () => {
    const file = join(dir, "services.yaml");
    const filed = "services:\n  queue:\n    command: php artisan queue:work\n    stop_signal: QUIT\n    stop_timeout: 60000\n    check_health_command: 'true'\n    health_check_grace_period: 2000\n";
    await writeFile(file, filed);
    // The file lists only queue: the other tests' services are kept (no prune), which apply mentions.
    const first = await vigil("apply", "-f", file);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^create queue\n/);
    const queue = await shown("queue");
    assert.deepEqual([queue.stopSignal, queue.stopTimeoutMs, queue.healthCheckGraceMs], ["SIGQUIT", 60_000, 2_000]);
    assert.match((await vigil("apply", "-f", file)).stdout, /^no changes\n/);
    await writeFile(file, filed.replace("stop_timeout: 60000", "stop_timeout: 30000"));
    assert.match((await vigil("apply", "-f", file)).stdout, /^update queue \(stop_timeout\)\n/);
    assert.equal((await shown("queue")).stopTimeoutMs, 30_000);
    assert.match((await vigil("apply", "-f", file)).stdout, /^no changes\n/);
  });
});
