// The operator CLI end to end: the real `vigil` binary (as a child process) against a running
// Admin server on loopback: tables, --json, one-line errors and exit codes, logs -f, apply, import.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type AdminTestServer, startAdminTestServer, TEST_HOST } from "@vigil/coordinator";
import { runCli, spawnCli } from "./testing/run-cli.js";

interface ListedService {
  readonly name: string;
  readonly account: string;
  readonly ports: number[];
  readonly environment: Record<string, string>;
  readonly workingDirectory: string;
}

describe("vigil CLI against a running coordinator", () => {
  let server: AdminTestServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const vigil = (...args: string[]) => runCli(args, env);
  const as = (token: string, ...args: string[]) => runCli(args, { ...env, VIGIL_TOKEN: token });
  const listed = async () => JSON.parse((await vigil("service", "ls", "--json")).stdout) as ListedService[];

  before(async () => {
    server = await startAdminTestServer();
    dir = await mkdtemp(join(tmpdir(), "vigil-cli-"));
    const { NO_COLOR: _ignored, ...rest } = process.env;
    env = { ...rest, VIGIL_ADDRESS: server.address, VIGIL_TOKEN: server.tokens.alpha, VIGIL_CLIENT_CONFIG: join(dir, "config.json") };
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("service create takes --env, --env-string, --workdir and --annotation; ls prints a table and --json", async () => {
    const created = await vigil("service", "create", "web", "node server.js", "--env", "NODE_ENV=production", "--env-string", "A=1 B='two words'", "--workdir", "app", "--annotation", "shop front");
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, `created alpha/web on ${TEST_HOST} (ports 8300)\n`);
    const table = await vigil("service", "ls");
    const [header, row] = table.stdout.split("\n");
    assert.match(header ?? "", /^NAME\s+HOST\s+STATE\s+PID\s+UPTIME\s+RESTARTS\s+CPU\s+MEM\s+PORTS$/);
    assert.match(row ?? "", new RegExp(`^alpha/web\\s+${TEST_HOST}\\s+unknown\\s+-\\s+-\\s+0\\s+-\\s+-\\s+8300$`));
    assert.ok(!table.stdout.includes("\u001b["), "no colour when stdout is not a TTY");
    const [web] = await listed();
    assert.deepEqual({ name: web?.name, ports: web?.ports, environment: web?.environment, workingDirectory: web?.workingDirectory }, {
      name: "web",
      ports: [8300],
      environment: { NODE_ENV: "production", A: "1", B: "two words" },
      workingDirectory: "app",
    });
  });

  test("invalid input prints one line naming the fields and rules, exits 1, and changes nothing", async () => {
    const before = await listed();
    const failed = await vigil("service", "create", "Bad_Name", "");
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, "");
    assert.equal(failed.stderr.split("\n").filter(Boolean).length, 1);
    assert.match(failed.stderr, /^vigil: name: must match .*; command: must not be empty\n$/);
    assert.deepEqual(await listed(), before);
  });

  test("another account's service is not found, worded as for a missing account; usage errors exit 2", async () => {
    const foreign = await as(server.tokens.beta, "service", "show", "web", "--account", "alpha");
    assert.deepEqual([foreign.code, foreign.stderr], [1, "vigil: account: account alpha does not exist\n"]);
    const usage = await vigil("service", "signal", "web");
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^vigil: missing required argument 'signal'/);
    const denied = await vigil("host", "ls");
    assert.deepEqual([denied.code, denied.stderr], [1, "vigil: authorization: this call needs an operator token\n"]);
  });

  test("logs -f prints the last lines, then new ones as the service writes them", async () => {
    server.agents.connected.add(TEST_HOST);
    server.agents.appendLog("alpha", "web", "booting", "listening on :8300");
    const child = spawnCli(["logs", "web", "-n", "1", "-f"], env);
    try {
      let output = "";
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (output === "listening on :8300\n") server.agents.appendLog("alpha", "web", "GET / 200", "GET /health 200");
          if (output.endsWith("GET /health 200\n")) resolve();
        });
        child.on("exit", (code) => reject(new Error(`logs -f exited with ${code}: ${output}`)));
      });
      assert.equal(output, "listening on :8300\nGET / 200\nGET /health 200\n");
    } finally {
      child.kill("SIGINT");
      server.agents.connected.delete(TEST_HOST);
    }
  });

  test("apply creates what the file lists, a second apply says no changes, prune deletes (dry-run first)", async () => {
    const file = join(dir, "services.yaml");
    await writeFile(file, "services:\n  web:\n    command: node server.js\n    working_directory: app\n    environment: { NODE_ENV: production, A: '1', B: two words }\n    annotation: shop front\n  worker:\n    command: php artisan queue:work\n  cache:\n    command: redis-server --port $PORT\n    is_disabled: true\n");
    const first = await vigil("apply", "-f", file);
    assert.deepEqual([first.code, first.stdout], [0, "create cache\ncreate worker\n"]);
    const second = await vigil("apply", "-f", file);
    assert.deepEqual([second.code, second.stdout], [0, "no changes\n"]);
    await writeFile(file, "services:\n  web:\n    command: node server.js --cluster\n    working_directory: app\n    environment: { NODE_ENV: production }\n    annotation: shop front\n");
    const dry = await vigil("apply", "-f", file, "--prune", "--dry-run");
    assert.equal(dry.stdout, "would update web (command, environment)\nwould delete cache\nwould delete worker\n");
    assert.deepEqual((await listed()).map((service) => service.name), ["cache", "web", "worker"]);
    const pruned = await vigil("apply", "-f", file, "--prune");
    assert.equal(pruned.stdout, "update web (command, environment)\ndelete cache\ndelete worker\n");
    assert.deepEqual((await listed()).map((service) => [service.name, service.environment]), [["web", { NODE_ENV: "production" }]]);
    assert.equal((await vigil("apply", "-f", file, "--prune")).stdout, "no changes\n");
  });

  test("an invalid services file names the path of each broken field and applies nothing", async () => {
    const file = join(dir, "broken.yaml");
    await writeFile(file, "services:\n  api:\n    command: ''\n    autorestart: true\n    stop_signal: SIGKILL\n");
    const before = await listed();
    const result = await vigil("apply", "-f", file);
    assert.equal(result.code, 2);
    const fields = "command, working_directory, environment, check_health_command, health_check_interval, health_check_timeout, health_check_grace_period, is_disabled, annotation, stop_signal, stop_timeout";
    const signalRule = "must be a signal the service can catch, not SIGKILL (Vigil sends SIGKILL after stop_timeout)";
    assert.equal(result.stderr, `vigil: ${file}: services.api.autorestart: unknown field (expected one of ${fields}); services.api.command: must not be empty; services.api.stop_signal: ${signalRule}\n`);
    assert.deepEqual(await listed(), before);
  });

  test("import converts a real supervisord.conf with warnings, and its output applies", async () => {
    const conf = new URL("../declarative/testing/supervisord.conf", import.meta.url).pathname;
    const output = join(dir, "imported.yaml");
    const imported = await vigil("import", conf, "--home", "/home/shop", "-o", output);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /^warning: \[program:queue_worker\]: numprocs=4 not converted/m);
    assert.match(imported.stderr, /^warning: \[program:web\]: user not converted/m);
    assert.match(imported.stderr, /^wrote 4 service\(s\) to /m);
    const dry = await as(server.tokens.operator, "apply", "-f", output, "--account", "beta", "--dry-run");
    assert.equal(dry.stdout, "would create queue-worker\nwould create redis\nwould create report-cron\nwould create web\n");
    assert.match(await readFile(output, "utf8"), /queue-worker:\n {4}command: php artisan queue:work --sleep=3 --tries=3\n/);
  });

  test("login saves address and token; later commands need neither", async () => {
    const { VIGIL_ADDRESS: _a, VIGIL_TOKEN: _t, ...bare } = env;
    const login = await runCli(["login", "--address", server.address, "--token", server.tokens.operator], bare);
    assert.equal(login.code, 0, login.stderr);
    const hosts = await runCli(["host", "ls", "--json"], bare);
    assert.equal(hosts.code, 0, hosts.stderr);
    assert.deepEqual((JSON.parse(hosts.stdout) as { name: string }[]).map((host) => host.name), [TEST_HOST]);
    const badLogin = await runCli(["login", "--address", server.address, "--token", "vigil_not-a-token"], bare);
    assert.deepEqual([badLogin.code, badLogin.stderr], [1, "vigil: authorization: the token is unknown or revoked\n"]);
  });
});
