// A coordinator and one real agent for the control-plane figures, in either mode: embedded (PGlite,
// in-process bus, as `vigil up`) or distributed (a fresh PostgreSQL database, a private NATS server).
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findCgroup2Mount, NatsEventPublisher, type RunningAgent, startAgent, startPrivateNatsServer } from "@vigil/agent";
import { createAccount, createTestDatabase, createToken, NatsEventSource, openStore, registerHost, type RunningCoordinator, startCoordinator } from "@vigil/coordinator";
import { busNames, compileHostConfig, type EventPublisher, type EventSource, InProcessBus } from "@vigil/shared";
import { type Logger } from "@vigil/shared/logging";
import { waitFor } from "../proc/wait.js";

export const CONTROL_MODES = ["embedded", "distributed"] as const;
export type ControlMode = (typeof CONTROL_MODES)[number];

/** Services run as nobody, as `vigil up` does when started by root. */
const NOBODY = { unixUser: "nobody", uid: 65_534, gid: 65_534 } as const;
export const BENCH_ACCOUNT = "bench";
const HOST = "bench-host";

export interface ControlStack {
  readonly coordinator: RunningCoordinator;
  /** The agent running now (restartAgent replaces it). */
  readonly agent: RunningAgent;
  /**
   * Stops the agent leaving its services running, and starts a new one on the same state directory
   * (it adopts them); `startedAt`: performance.now() when the new one began to start.
   */
  restartAgent(): Promise<{ readonly agent: RunningAgent; readonly startedAt: number }>;
  readonly operatorToken: string;
  /** The account's home, writable by its user: pid files go here. */
  readonly home: string;
  close(): Promise<void>;
}

interface Transport {
  readonly url: string;
  readonly events: EventSource;
  readonly publisher: EventPublisher;
  close(): Promise<void>;
}

async function transport(mode: ControlMode, dir: string, prefix: string): Promise<Transport> {
  if (mode === "embedded") {
    const bus = new InProcessBus();
    return { url: `pglite:${join(dir, "db")}`, events: bus, publisher: bus, close: () => bus.close() };
  }
  const database = await createTestDatabase();
  const nats = await startPrivateNatsServer();
  const publisher = new NatsEventPublisher({ servers: nats.url, name: "vigil-bench-agent" });
  const events = new NatsEventSource({ servers: nats.url, names: busNames(prefix), name: "vigil-bench-coordinator" });
  return {
    url: database.url,
    events,
    publisher,
    async close() {
      await publisher.close();
      await nats.stop();
      await database.drop();
    },
  };
}

export async function startControlStack(mode: ControlMode, logger: Logger): Promise<ControlStack> {
  const dir = mkdtempSync(join(tmpdir(), `vigil-bench-${mode}-`));
  const prefix = `bench${process.pid}`;
  // nobody must pass through the temp dir to reach its home; 0711 still hides the listing.
  chmodSync(dir, 0o711);
  const home = join(dir, "home");
  mkdirSync(home, { mode: 0o755 });
  chownSync(home, NOBODY.uid, NOBODY.gid);
  const io = await transport(mode, dir, prefix);
  const store = await openStore({ url: io.url });
  const coordinator = await startCoordinator({ store, events: io.events, listen: "127.0.0.1:0", logger });
  await createAccount(store.db, { name: BENCH_ACCOUNT, cloud: "public", ...NOBODY, home });
  await registerHost(store.db, { name: HOST, pool: "public" });
  const hostToken = (await createToken(store.db, { scope: "host", subject: HOST })).token;
  const operatorToken = (await createToken(store.db, { scope: "operator" })).token;
  const stateDir = join(dir, "agent");
  const cgroupInstance = `bench-${mode}-${process.pid}`;
  const hostConfig = compileHostConfig({ state_dir: stateDir });
  if (!hostConfig.ok) throw new Error(JSON.stringify(hostConfig.errors));
  const agentOptions = {
    coordinators: [coordinator.address],
    hostName: HOST,
    token: hostToken,
    stateDir,
    hostConfig: hostConfig.value,
    publisher: io.publisher,
    busNames: busNames(prefix),
    cgroupInstance,
    logger,
  };
  let agent = await startAgent(agentOptions);
  await waitFor(() => (coordinator.link.isConnected(HOST) ? true : undefined), "the agent to connect", 30_000, 20);
  return {
    coordinator,
    get agent() {
      return agent;
    },
    async restartAgent() {
      await agent.close({ drainMs: 5_000, stopServices: false });
      const startedAt = performance.now();
      agent = await startAgent(agentOptions);
      return { agent, startedAt };
    },
    operatorToken,
    home,
    async close() {
      await agent.close({ drainMs: 5_000 });
      // The agent removes its services' cgroups but leaves its own subtree's root (empty by now).
      const mount = findCgroup2Mount();
      if (mount !== null && existsSync(join(mount, "vigil", cgroupInstance))) rmdirSync(join(mount, "vigil", cgroupInstance));
      await coordinator.close();
      await store.close();
      await io.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
