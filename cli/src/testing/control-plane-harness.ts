// Test support: a coordinator (PGlite store, in-process bus, gRPC on loopback) and real agents
// (LinuxProcessDriver, file logs) in one process, with an account whose services run as nobody.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAgent, type RunningAgent } from "@vigil/agent";
import { createAccount, createToken, registerHost, type RunningCoordinator, startCoordinator, type Store, testStoreBackends } from "@vigil/coordinator";
import { busNames, compileHostConfig, InProcessBus } from "@vigil/shared";
import { recordingLogger } from "@vigil/shared/logging";

export const NOBODY = { unixUser: "nobody", uid: 65_534, gid: 65_534 } as const;

export interface HarnessOptions {
  readonly hostTimeoutMs?: number;
  readonly restartPolicy?: Readonly<Record<string, number>>;
  /** The agents' host config log_rotation (max_bytes, keep_files); default the host config's. */
  readonly logRotation?: Readonly<Record<string, number>>;
  /** The store: pglite (default) or the real PostgreSQL, which starts in about 1 s on a loaded machine, pglite in 20 s. */
  readonly backend?: "pglite" | "postgres";
}

export class ControlPlaneHarness {
  readonly logs: string[] = [];
  readonly #dirs: string[] = [];
  readonly #agents = new Set<RunningAgent>();
  readonly #tokens = new Map<string, string>();
  coordinator!: RunningCoordinator;

  private constructor(
    readonly store: Store,
    readonly bus: InProcessBus,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<ControlPlaneHarness> {
    const store = await testStoreBackends.find((backend) => backend.name === (options.backend ?? "pglite"))!.open();
    const harness = new ControlPlaneHarness(store, new InProcessBus({ redeliveryDelayMs: 100, onHandlerError: () => undefined }), options);
    await harness.startCoordinator("127.0.0.1:0");
    return harness;
  }

  get address(): string {
    return this.coordinator.address;
  }

  async startCoordinator(listen: string): Promise<RunningCoordinator> {
    this.coordinator = await startCoordinator({
      store: this.store,
      events: this.bus,
      listen,
      hostTimeoutMs: this.options.hostTimeoutMs ?? 30_000,
      livenessCheckIntervalMs: 200,
      logger: recordingLogger(this.logs).logger,
    });
    return this.coordinator;
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    chmodSync(dir, 0o755);
    this.#dirs.push(dir);
    return dir;
  }

  /** An account whose services run as nobody, with a fresh home. */
  async addAccount(name: string, cloud: "public" | "private" = "public"): Promise<void> {
    await createAccount(this.store.db, { name, cloud, ...NOBODY, home: this.tempDir(`vigil-home-${name}-`) });
  }

  /** Registers a host (public pool unless an owner is given) and issues its token. */
  async addHost(name: string, ownerAccount?: string): Promise<string> {
    await registerHost(this.store.db, ownerAccount ? { name, pool: "private", ownerAccount } : { name, pool: "public" });
    const issued = await createToken(this.store.db, { scope: "host", subject: name });
    this.#tokens.set(name, issued.token);
    return issued.token;
  }

  async startAgent(host: string, overrides: { readonly token?: string; readonly stateDir?: string } = {}): Promise<RunningAgent> {
    const stateDir = overrides.stateDir ?? this.tempDir(`vigil-agent-${host}-`);
    const hostConfig = compileHostConfig({
      state_dir: stateDir,
      stop_timeout_ms: 2_000,
      ...(this.options.restartPolicy && { restart_policy: this.options.restartPolicy }),
      ...(this.options.logRotation && { log_rotation: this.options.logRotation }),
    });
    if (!hostConfig.ok) throw new Error(hostConfig.errors.map((error) => `${error.field}: ${error.rule}`).join("; "));
    const agent = await startAgent({
      coordinators: [this.address],
      hostName: host,
      token: overrides.token ?? this.#tokens.get(host) ?? "",
      stateDir,
      hostConfig: hostConfig.value,
      publisher: this.bus,
      busNames: busNames("vigil"),
      reconnect: { baseMs: 100, maxMs: 500 },
      heartbeatIntervalMs: 500,
      logger: recordingLogger(this.logs).logger,
    });
    this.#agents.add(agent);
    return agent;
  }

  async stopAgent(agent: RunningAgent): Promise<void> {
    this.#agents.delete(agent);
    await agent.close({ drainMs: 2_000 });
  }

  async close(): Promise<void> {
    for (const agent of this.#agents) await agent.close({ drainMs: 1_000 });
    await this.coordinator.close();
    await this.bus.close();
    await this.store.close();
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls `probe` every 50 ms until it returns a value that is not undefined; fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
