// Two `vigil coordinator` replicas on one PostgreSQL and NATS, one `vigil agent` given both addresses:
// `kill -9` of the replica holding the agent's session. The agent (mTLS, bootstrapped through the
// first replica) is back on the other within 5 s, no service is restarted, an event produced during
// the switch is stored once, and a restart issued right after through the surviving replica reaches
// the host.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { credentials } from "@grpc/grpc-js";
import { AdminApi } from "./support/admin-api.js";
import { servicePids } from "./support/service-processes.js";
import { type AgentHost, SystemCluster } from "./support/system-cluster.js";
import { type TestProcess } from "./support/test-process.js";
import { waitFor } from "./support/wait-for.js";

const REPO = new URL("../../", import.meta.url).pathname;
const SERVICES = ["web", "worker", "queue"] as const;
/** Killed while the agent switches coordinators: its exit and restart are the events queued meanwhile. */
const KILLED = "queue";
const RECONNECT_LIMIT_MS = 5_000;

/** Time of the agent's log record saying it was welcomed by `address`; undefined until there is one. */
function connectedAt(agent: TestProcess, address: string): number | undefined {
  for (const line of agent.output.split("\n")) {
    if (!line.includes('"msg":"connected to the coordinator"') || !line.includes(`"coordinator":"${address}"`)) continue;
    const time = /"time":"([^"]+)"/.exec(line)?.[1];
    if (time !== undefined) return Date.parse(time);
  }
  return undefined;
}

describe("agent failover between coordinator replicas", () => {
  let cluster: SystemCluster;
  let host: AgentHost;
  let agent: TestProcess;
  let first: string;
  let second: string;
  let survivor: AdminApi;

  before(async () => {
    cluster = await SystemCluster.start(1, { hostSuffixes: ["a"] });
    await cluster.startCoordinator();
    first = cluster.address;
    second = (await cluster.startReplica()).address;
    survivor = new AdminApi(second, cluster.operatorToken, credentials.createSsl(readFileSync(cluster.caFile)));
    host = await cluster.addHost("a");
    agent = await cluster.startAgent(host, host.token, { args: ["--coordinator", second] });
    await cluster.waitForHostState(host, "up");
    await cluster.addAccount("alpha");
    for (const name of SERVICES) await cluster.createRunningService("alpha", name, "exec sleep 100000");
  });
  after(async () => {
    survivor?.close();
    await cluster?.close();
  });

  it("reconnects to the other replica within 5 s of kill -9, restarts nothing, stores the switch's events once, and takes a restart through the survivor", async () => {
    assert.ok(connectedAt(agent, first) !== undefined, `the agent first dials the first address it was given: ${agent.output.slice(-2_000)}`);
    const pidsBefore = new Map(SERVICES.map((name) => [name, servicePids(host.name, "alpha", name)]));
    for (const [name, pids] of pidsBefore) assert.equal(pids.length, 1, `alpha/${name} runs one process`);
    const eventsBefore = new Map(await Promise.all(SERVICES.map(async (name) => [name, (await survivor.events("alpha", name)).map((event) => event.id).sort()] as const)));

    const killedAt = Date.now();
    await cluster.coordinator.crash();
    // An event the agent produces while its link is down: an exit and its restart.
    const [queuedPid] = pidsBefore.get(KILLED)!;
    process.kill(queuedPid!, "SIGKILL");
    const reconnected = await waitFor("the agent welcomed by the surviving replica", () => connectedAt(agent, second), { timeoutMs: 60_000, intervalMs: 20 });
    const reconnectMs = reconnected - killedAt;
    console.log(`agent reconnected to the other coordinator ${reconnectMs} ms after kill -9 of the one holding its session`);
    assert.ok(reconnectMs < RECONNECT_LIMIT_MS, `reconnected after ${reconnectMs} ms`);

    const [restartedPid] = await waitFor(`alpha/${KILLED} restarted by its agent`, () => {
      const pids = servicePids(host.name, "alpha", KILLED);
      return pids.length === 1 && pids[0] !== queuedPid ? pids : undefined;
    }, { timeoutMs: 30_000, intervalMs: 20 });
    for (const name of SERVICES.filter((service) => service !== KILLED)) {
      assert.deepEqual(servicePids(host.name, "alpha", name), pidsBefore.get(name), `alpha/${name} kept its process through the failover`);
    }
    const switchEvents = await waitFor(`alpha/${KILLED}'s exit and restart stored through the survivor`, async () => {
      const events = (await survivor.events("alpha", KILLED)).filter((event) => event.atMs >= killedAt);
      const exited = events.filter((event) => event.kind === "exited");
      const started = events.filter((event) => event.kind === "started");
      return exited.length >= 1 && started.length >= 1 ? { exited, started } : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    assert.deepEqual(switchEvents.exited.map((event) => event.pid), [queuedPid], "one exited event, stored once");
    assert.deepEqual(switchEvents.started.map((event) => event.pid), [restartedPid], "one started event, stored once");
    for (const name of SERVICES) {
      const ids = (await survivor.events("alpha", name)).map((event) => event.id);
      assert.ok(eventsBefore.get(name)!.every((id) => ids.includes(id)), `alpha/${name}: every event stored before the crash is still there`);
      if (name !== KILLED) assert.deepEqual([...ids].sort(), eventsBefore.get(name), `alpha/${name}: the failover itself produced no event (nothing was restarted)`);
    }

    // The operator's restart goes through the surviving replica, which now holds the session.
    const [webPid] = pidsBefore.get("web")!;
    const restart = spawnSync(process.execPath, ["--import", "tsx", join(REPO, "cli/src/main.ts"), "service", "restart", "web", "--account", "alpha"], {
      cwd: REPO,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, VIGIL_ADDRESS: second, VIGIL_TOKEN: cluster.operatorToken, VIGIL_CA_FILE: cluster.caFile, VIGIL_CLIENT_CONFIG: join(cluster.dir, "client.json") },
    });
    assert.equal(restart.status, 0, `vigil service restart: ${restart.stdout}${restart.stderr}`);
    await waitFor("alpha/web running a new process after the restart", () => {
      const pids = servicePids(host.name, "alpha", "web");
      return pids.length === 1 && pids[0] !== webPid ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 20 });
    assert.deepEqual(servicePids(host.name, "alpha", "worker"), pidsBefore.get("worker"), "the restart touched only its service");
  });
});
