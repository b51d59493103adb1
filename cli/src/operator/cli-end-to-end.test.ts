// The operator CLI end to end against a running Admin server on loopback: tables, --json, one-line
// errors and exit codes, logs, apply, import, login. Mostly in-process; a child process where it counts.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type AdminTestServer, startAdminTestServer, TEST_HOST } from "@vigil/coordinator";
import { runCli, runCliInProcess, spawnCli } from "./testing/run-cli.js";

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
  // In-process: the same program and the same gRPC calls, without a 1-3 s tsx start per call.
  const vigil = (...args: string[]) => runCliInProcess(args, env);
  const as = (token: string, ...args: string[]) => runCliInProcess(args, { ...env, VIGIL_TOKEN: token });
  const listed = async () => JSON.parse((await vigil("service", "ls", "--json")).stdout) as ListedService[];

  before(async () => {
    // The real PostgreSQL starts in under 1 s at load 25, pglite in 23 s.
    server = await startAdminTestServer({ backend: "postgres" });
    dir = await mkdtemp(join(tmpdir(), "vigil-cli-"));
    const { NO_COLOR: _ignored, ...rest } = process.env;
    env = { ...rest, VIGIL_ADDRESS: server.address, VIGIL_TOKEN: server.tokens.alpha, VIGIL_CLIENT_CONFIG: join(dir, "config.json") };
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("service create takes --env, --env-string, --workdir and --annotation; ls prints a table and --json", async () => {
    // A real child process, as an operator runs it.
    const created = await runCli(["service", "create", "web", "node server.js", "--env", "NODE_ENV=production", "--env-string", "A=1 B='two words'", "--workdir", "app", "--annotation", "shop front"], env);
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
    const usage = await runCli(["service", "signal", "web"], env);
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
    const fields = "command, working_directory, environment, check_health_command, health_check_interval, health_check_timeout, health_check_grace_period, is_disabled, annotation, stop_signal, stop_timeout, memory_max, memory_high, tasks_max, cpu_weight, cpu_max";
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
    const onArgv = await runCliInProcess(["login", "--address", server.address, "--token", server.tokens.operator], bare);
    assert.deepEqual([onArgv.code, onArgv.stderr.split("\n")[0]], [2, "vigil: --token: a token on the command line is readable by every user of this machine (/proc/<pid>/cmdline); use --token-file <path> (mode 0600) or the VIGIL_TOKEN environment variable"]);
    const refused = await runCliInProcess(["host", "ls", "--address", server.address, "--token", server.tokens.operator], bare);
    assert.equal(refused.code, 2);
    const login = await runCli(["login", "--address", server.address], { ...bare, VIGIL_TOKEN: server.tokens.operator });
    assert.equal(login.code, 0, login.stderr);
    const hosts = await runCliInProcess(["host", "ls", "--json"], bare);
    assert.equal(hosts.code, 0, hosts.stderr);
    assert.deepEqual((JSON.parse(hosts.stdout) as { name: string }[]).map((host) => host.name), [TEST_HOST]);
    const badLogin = await runCliInProcess(["login", "--address", server.address], { ...bare, VIGIL_TOKEN: "vigil_not-a-token" });
    assert.deepEqual([badLogin.code, badLogin.stderr], [1, "vigil: authorization: the token is unknown or revoked\n"]);
    const json = await runCliInProcess(["login", "--address", server.address, "--json"], { ...bare, VIGIL_TOKEN: server.tokens.operator });
    assert.deepEqual(JSON.parse(json.stdout), { address: server.address, config: join(dir, "config.json") });
    assert.ok(!json.stdout.includes(server.tokens.operator), "the token is not printed");
  });

  test("service create --ports refuses 0 and more than a service may hold, naming the flag and the limit", async () => {
    const zero = await vigil("service", "create", "portless", "true", "--ports", "0");
    assert.deepEqual([zero.code, zero.stderr], [2, "vigil: --ports: must be 1 to 200 (got 0): a service has at least one port and at most 200\n"]);
    const many = await vigil("service", "create", "greedy", "true", "--ports", "1000");
    assert.deepEqual([many.code, many.stderr], [2, "vigil: --ports: must be 1 to 200 (got 1000): a service has at least one port and at most 200\n"]);
    const two = await vigil("service", "create", "pair", "true", "--ports", "2", "--json");
    assert.equal((JSON.parse(two.stdout) as ListedService).ports.length, 2);
    assert.equal((await vigil("service", "rm", "pair")).code, 0);
  });

  test("service update without a field to change is refused; one whose values are the current ones keeps the revision", async () => {
    await vigil("service", "create", "steady", "node steady.js", "--env", "A=1");
    const revision = async () => (JSON.parse((await vigil("service", "show", "steady", "--json")).stdout) as { revision: number }).revision;
    const before = await revision();
    const empty = await vigil("service", "update", "steady");
    assert.deepEqual([empty.code, empty.stderr], [2, "vigil: nothing to change: give at least one field to change (see vigil service update --help)\n"]);
    const same = await vigil("service", "update", "steady", "--command", "node steady.js", "--env", "A=1");
    assert.deepEqual([same.code, same.stdout], [0, `no change to alpha/steady (revision ${before})\n`]);
    assert.equal(await revision(), before);
    const changed = await vigil("service", "update", "steady", "--command", "node steady.js --fast");
    assert.match(changed.stdout, /^updated alpha\/steady \(revision \d+\); the service restarts to apply it\n$/);
    assert.ok((await revision()) > before);
    const limited = await vigil("service", "update", "steady", "--cpu-max", "0.5", "--memory-max", "256M");
    assert.match(limited.stdout, /^updated alpha\/steady \(revision \d+\); applied without a restart\n$/);
    assert.match((await vigil("service", "show", "steady")).stdout, /^limits: +memory max 256 MiB, cpu max 0\.5 core$/m);
    const removed = await vigil("service", "update", "steady", "--memory-max", "none");
    assert.equal(removed.code, 0);
    assert.match((await vigil("service", "show", "steady")).stdout, /^limits: +cpu max 0\.5 core$/m);
    const bad = await vigil("service", "update", "steady", "--tasks-max", "1");
    assert.deepEqual([bad.code, bad.stderr], [1, "vigil: tasks_max: must be an integer from 2 to 4194304\n"]);
  });

  test("account update changes an account's limits, none removes one; bad values and plain accounts are refused", async () => {
    const operator = (...args: string[]) => as(server.tokens.operator, ...args);
    const raised = await operator("account", "update", "beta", "--memory-max", "1G", "--tasks-max", "500");
    assert.deepEqual([raised.code, raised.stdout], [0, "updated account beta: limits memory max 1 GiB, tasks 500\n"]);
    const removed = await operator("account", "update", "beta", "--tasks-max", "none");
    assert.equal(removed.stdout, "updated account beta: limits memory max 1 GiB\n");
    assert.match((await operator("account", "show", "beta")).stdout, /^limits: +memory max 1 GiB$/m);
    const bad = await operator("account", "update", "beta", "--memory-max", "1M");
    assert.deepEqual([bad.code, bad.stderr], [1, `vigil: limits.memory_max: must be between ${4 * 1024 * 1024} bytes (4M) and ${2 ** 50} bytes\n`]);
    const nothing = await operator("account", "update", "beta");
    assert.equal(nothing.code, 2);
    const denied = await vigil("account", "update", "alpha", "--tasks-max", "10");
    assert.deepEqual([denied.code, denied.stderr], [1, "vigil: authorization: this call needs an operator token\n"]);
  });

  test("service update --if-revision applies at the revision shown and refuses a stale one, changing nothing", async () => {
    await vigil("service", "create", "guarded", "node guarded.js");
    const shown = async () => JSON.parse((await vigil("service", "show", "guarded", "--json")).stdout) as { revision: number; annotation: string };
    const read = await shown();
    const applied = await vigil("service", "update", "guarded", "--annotation", "mine", "--if-revision", String(read.revision));
    assert.equal(applied.code, 0);
    const stale = await vigil("service", "update", "guarded", "--annotation", "theirs", "--if-revision", String(read.revision));
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /expected_revision: service alpha\/guarded is at revision \d+, not \d+: read it again and retry/);
    assert.equal((await shown()).annotation, "mine");
    const bad = await vigil("service", "update", "guarded", "--annotation", "x", "--if-revision", "latest");
    assert.deepEqual([bad.code, bad.stderr], [2, 'vigil: --if-revision: must be a revision number such as 42 (got "latest")\n']);
  });

  test("logs escape a service's control characters unless --raw, and --json prints one object per line", async () => {
    server.agents.connected.add(TEST_HOST);
    try {
      server.agents.appendLog("alpha", "web", "2026-12-03T07:00:00.000Z [vigil] started with pid 42", "\u001b]0;owned\u0007\u001b[2Jcleared\r");
      const text = await vigil("logs", "web", "-n", "2");
      assert.equal(text.code, 0, text.stderr);
      assert.ok(!text.stdout.includes("\u001b"), "no ESC byte reaches the terminal");
      assert.equal(text.stdout.split("\n")[1], "\\x1b]0;owned\\x07\\x1b[2Jcleared\\x0d");
      assert.ok((await vigil("logs", "web", "-n", "1", "--raw")).stdout.includes("\u001b[2J"), "--raw keeps the bytes");
      const json = await vigil("logs", "web", "-n", "2", "--json");
      const lines = json.stdout.trimEnd().split("\n");
      assert.equal(lines.length, 2, json.stdout);
      assert.ok(!json.stdout.includes("\u001b"));
      assert.deepEqual(lines.map((line) => JSON.parse(line) as unknown), [
        { service: "web", time: "2026-12-03T07:00:00.000Z", line: "2026-12-03T07:00:00.000Z [vigil] started with pid 42" },
        { service: "web", time: null, line: "\u001b]0;owned\u0007\u001b[2Jcleared\r" },
      ]);
    } finally {
      server.agents.connected.delete(TEST_HOST);
    }
  });

  test("apply uses the file's account over the default account, and refuses an --account that disagrees", async () => {
    const file = join(dir, "for-alpha.yaml");
    await writeFile(file, "account: alpha\nservices:\n  from-file:\n    command: node file.js\n");
    const withDefault = { ...env, VIGIL_TOKEN: server.tokens.operator, VIGIL_ACCOUNT: "beta" };
    const applied = await runCliInProcess(["apply", "-f", file, "--dry-run"], withDefault);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /^would create from-file\n/);
    const conflict = await runCliInProcess(["apply", "-f", file, "--account", "beta"], withDefault);
    assert.deepEqual([conflict.code, conflict.stderr], [2, "vigil: account: the file is for alpha but --account says beta\n"]);
  });

  test("apply -f and import take paths relative to where the user typed them (INIT_CWD under npm run)", async () => {
    const file = join(dir, "relative.yaml");
    await writeFile(file, "services:\n  relative:\n    command: node relative.js\n");
    const fromDir = await runCliInProcess(["apply", "-f", basename(file), "--dry-run"], env, dir);
    assert.deepEqual([fromDir.code, fromDir.stdout.split("\n")[0]], [0, "would create relative"], fromDir.stderr);
    const npmRun = { ...env, npm_lifecycle_event: "vigil", INIT_CWD: dir };
    const viaNpm = await runCliInProcess(["apply", "-f", basename(file), "--dry-run"], npmRun, "/");
    assert.deepEqual([viaNpm.code, viaNpm.stdout.split("\n")[0]], [0, "would create relative"], viaNpm.stderr);
    const conf = new URL("../declarative/testing/supervisord.conf", import.meta.url).pathname;
    const imported = await runCliInProcess(["import", basename(conf), "--json"], { ...npmRun, INIT_CWD: dirname(conf) }, "/");
    assert.equal(imported.code, 0, imported.stderr);
    const result = JSON.parse(imported.stdout) as { services: number; warnings: string[]; yaml: string };
    assert.equal(result.services, 4);
    assert.ok(result.warnings.some((warning) => warning.startsWith("[program:queue_worker]: numprocs=4")));
    assert.match(result.yaml, /^services:\n/);
  });
});
