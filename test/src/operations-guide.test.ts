// Follows docs/operations.md from zero: every `sh guide:<machine>` step runs exactly as written
// (the coordinator machine here, web-1 and db-1 each in a network namespace and a directory tree of
// their own, settings from the guide's variables), daemon steps as processes, until both agents run
// their accounts' services. Prints how long the guide took.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { credentials } from "@grpc/grpc-js";
import { createTestUser } from "@vigil/agent";
import { AdminApi } from "./support/admin-api.js";
import { Cleanup } from "./support/cleanup.js";
import { createTestNetwork, type HostNetwork, type TestNetwork } from "./support/network-namespaces.js";
import { type GuideStep, readOperationsGuide, REPO } from "./support/operations-guide.js";
import { registerAgentStateDir, removeAgentCgroups, servicePids } from "./support/service-processes.js";
import { TestProcess } from "./support/test-process.js";
import { waitFor } from "./support/wait-for.js";

const START_TIMEOUT_MS = 90_000;
/** What each kind of daemon prints once it serves. */
const READY: readonly [RegExp, RegExp][] = [
  [/^nats-server /, /Server is ready/],
  [/^vigil coordinator /, /listening on /],
  [/^vigil agent /, /"msg":"agent running"/],
];

interface Machine {
  readonly name: string;
  readonly etc: string;
  readonly state: string;
  readonly cwd: string;
  /** Undefined: the coordinator machine, the test's own network namespace. */
  readonly network?: HostNetwork;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs to the end; resolves with the exit code and the interleaved output. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("docs/operations.md, followed from zero", () => {
  const cleanup = new Cleanup();
  const guide = readOperationsGuide();
  const id = randomBytes(4).toString("hex");
  let network: TestNetwork;
  let root: string;
  let env: NodeJS.ProcessEnv;
  const machines = new Map<string, Machine>();

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "vigil-guide-"));
    cleanup.defer("remove the guide's directories", () => rmSync(root, { recursive: true, force: true }));
    network = createTestNetwork(2);
    cleanup.defer("remove the network namespaces", () => network.remove());
    const operator = join(root, "operator");
    mkdirSync(operator);
    const machine = (name: string, hostNetwork?: HostNetwork): Machine => {
      const base = join(root, name);
      mkdirSync(base, { recursive: true });
      return { name, etc: join(base, "etc"), state: join(base, "state"), cwd: name === "coordinator" ? operator : base, ...(hostNetwork && { network: hostNetwork }) };
    };
    machines.set("coordinator", machine("coordinator"));
    machines.set("web-1", machine("web-1", network.hosts[0]));
    machines.set("db-1", machine("db-1", network.hosts[1]));
    for (const host of ["web-1", "db-1"]) {
      registerAgentStateDir(host, machines.get(host)!.state);
      cleanup.defer(`remove ${host}'s cgroups`, () => removeAgentCgroups(host));
    }
    // `vigil` on PATH, as the install step links it: the built command (npm test rebuilds it first).
    const bin = join(root, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "vigil"), `#!/bin/sh\nexec "${process.execPath}" "${REPO}cli/bin/vigil.mjs" "$@"\n`);
    chmodSync(join(bin, "vigil"), 0o755);
    const [acme, globex] = [createTestUser(), createTestUser()];
    for (const user of [acme, globex]) cleanup.defer(`remove user ${user.name}`, () => user.remove());
    const database = `vigil_guide_${id}`;
    cleanup.defer(`drop database and role ${database}`, () => {
      for (const sql of [`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`, `DROP ROLE IF EXISTS "${database}"`]) {
        const dropped = spawnSync("psql", ["postgres://postgres@127.0.0.1:5432/postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], { encoding: "utf8" });
        if (dropped.status !== 0) throw new Error(dropped.stderr);
      }
    });
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VIGIL_") && name !== "NODE_TEST_CONTEXT"));
    env = {
      ...inherited,
      PATH: `${bin}:${process.env["PATH"] ?? "/usr/bin:/bin"}`,
      VIGIL_CLIENT_CONFIG: join(operator, "cli.json"),
      // The test's agents stop their services when the test stops them (an agent leaves them running by default).
      VIGIL_ON_EXIT: "stop-services",
      COORDINATOR_HOST: network.hub,
      COORDINATOR_PORT: String(await freePort()),
      NATS_PORT: String(await freePort()),
      PG_ADMIN_URL: "postgres://postgres@127.0.0.1:5432/postgres",
      DB_HOST: "127.0.0.1",
      DB_PORT: "5432",
      DB_NAME: database,
      DB_USER: database,
      BUS_PREFIX: `guide${id}`,
      ACME_USER: acme.name,
      GLOBEX_USER: globex.name,
      COPIED: operator,
    };
  });
  after(async () => cleanup.run());

  /** The step's script after the guide's settings, in its machine's namespace, directories and working directory. */
  function command(step: GuideStep): { command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv } {
    const machine = machines.get(step.machine);
    if (machine === undefined) throw new Error(`docs/operations.md:${step.line}: unknown machine ${step.machine}`);
    // A daemon is exec'd, so that the process the test stops is the daemon itself (as systemd's would be).
    const script = `${guide.settings}\n${step.daemon ? `exec ${step.script.trim()}` : step.script}`;
    const bash = ["bash", ["-euo", "pipefail", "-c", script]] as const;
    const entered = machine.network === undefined ? { command: bash[0], args: [...bash[1]] } : network.enter(machine.network, bash[0], bash[1]);
    return { ...entered, cwd: machine.cwd, env: { ...env, VIGIL_ETC: machine.etc, VIGIL_STATE: machine.state } };
  }

  it("runs every step as written and ends with both agents running their accounts' services", async () => {
    const started = performance.now();
    const timings: string[] = [];
    for (const step of guide.steps) {
      const stepStarted = performance.now();
      const { command: file, args, cwd, env: stepEnv } = command(step);
      if (step.daemon) {
        const ready = READY.find(([kind]) => kind.test(step.script.trim()))?.[1];
        assert.ok(ready, `docs/operations.md:${step.line}: no readiness line known for \`${step.script.trim()}\``);
        const daemon = TestProcess.start(`${step.machine}: ${step.script.trim()}`, file, args, { cwd, env: stepEnv });
        cleanup.defer(`stop ${daemon.name}`, () => daemon.stop(30_000));
        await daemon.waitForOutput(ready, START_TIMEOUT_MS);
      } else {
        const result = await run(file, args, cwd, stepEnv);
        assert.equal(result.code, 0, `docs/operations.md:${step.line} (${step.machine}) failed:\n${step.script}\n--- output\n${result.output}`);
      }
      timings.push(`${step.machine}${step.daemon ? " daemon" : ""} (line ${step.line}) ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
    }

    const coordinator = machines.get("coordinator")!;
    const api = new AdminApi(`${env["COORDINATOR_HOST"]}:${env["COORDINATOR_PORT"]}`, readFileSync(join(coordinator.state, "coordinator", "operator.token"), "utf8").trim(), credentials.createSsl(readFileSync(join(coordinator.state, "coordinator", "tls", "ca.pem"))));
    cleanup.defer("close the API client", () => api.close());
    const expected = [["acme", "clock", "web-1"], ["acme", "worker", "web-1"], ["globex", "db", "db-1"]] as const;
    for (const [account, name, host] of expected) {
      const service = await waitFor(`${account}/${name} running`, async () => {
        const current = await api.getService(account, name);
        return current.status?.state === "running" ? current : undefined;
      }, { timeoutMs: 60_000, intervalMs: 100 });
      assert.equal(service.host, host, `${account}/${name} runs on ${host}`);
      assert.ok(servicePids(host, account, name).includes(service.status!.mainPid), `${account}/${name}'s process is in its cgroup on ${host}`);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`operations guide: zero to two agents running services in ${seconds.toFixed(1)} s (${guide.steps.length} steps, the built vigil command)`);
    console.log(`steps: ${timings.join("; ")}`);
    for (const host of ["web-1", "db-1"]) assert.equal((await api.host(host))?.state, "up", `${host} is up`);
    assert.equal((await api.host("db-1"))?.ownerAccount, "globex", "db-1 is globex's private host");
  });
});
