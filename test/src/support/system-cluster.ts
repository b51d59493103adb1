// A whole Vigil installation for one system test file: a fresh PostgreSQL database, a private
// nats-server, a `vigil coordinator` process and `vigil agent` processes, each in its own network
// namespace; accounts are real Unix users. close() ends and removes all of it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createTestUser, type PrivateNatsServer, startPrivateNatsServer } from "@vigil/agent";
import { createTestDatabase, type TestDatabase } from "@vigil/coordinator";
import { credentials } from "@grpc/grpc-js";
import { Account, type AddedHost, busNames, type IssuedToken, natsAuthorizationConfig } from "@vigil/shared";
import { AdminApi } from "./admin-api.js";
import { Cleanup } from "./cleanup.js";
import { createTestNetwork, type HostNetwork, type TestNetwork } from "./network-namespaces.js";
import { registerAgentStateDir, removeAgentCgroups } from "./service-processes.js";
import { TestProcess } from "./test-process.js";
import { waitFor } from "./wait-for.js";

/**
 * Unless the cluster is secure, its parts talk plaintext across the namespaces' veth addresses,
 * which is refused unless said explicitly: those tests are about supervision, not transport.
 */
const INSECURE = ["--insecure"];

/** A secure cluster: TLS with the host bootstrap, and NATS with one user per host, for these host suffixes. */
export interface SecureClusterOptions {
  readonly hostSuffixes: readonly string[];
}

const REPO = new URL("../../../", import.meta.url).pathname;
const MAIN = join(REPO, "cli/src/main.ts");
const BUNDLE = join(REPO, "cli/bin/vigil.mjs");
/** tsx compiles the CLI at every start: on a busy 2-core machine that alone takes seconds. */
const START_TIMEOUT_MS = 90_000;

export interface AgentHost {
  readonly name: string;
  readonly network: HostNetwork;
  readonly stateDir: string;
  readonly token: string;
  process?: TestProcess;
}

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // The test runner's marker would make a child node think it is a test file.
  delete env["NODE_TEST_CONTEXT"];
  return env;
}

/** The nats-server configuration with the coordinator's and each host's user, and their 0600 credential files. */
function writeNatsUsers(dir: string, id: string, secure: SecureClusterOptions): string {
  const password = () => randomBytes(12).toString("hex");
  const coordinator = { user: "coordinator", password: password() };
  const hosts = secure.hostSuffixes.map((suffix) => ({ host: `sys-${id}-${suffix}`, password: password() }));
  writeFileSync(join(dir, "nats-coordinator"), `${coordinator.user}:${coordinator.password}\n`, { mode: 0o600 });
  for (const { host, password: secret } of hosts) writeFileSync(join(dir, `nats-${host}`), `${host}:${secret}\n`, { mode: 0o600 });
  const configFile = join(dir, "nats.conf");
  writeFileSync(configFile, natsAuthorizationConfig({ names: busNames(`sys${id}`), coordinator, hosts }), { mode: 0o600 });
  return configFile;
}

/** Tests end their agents with SIGTERM; without this, services would outlive them (the agent's default). */
const STOP_SERVICES_ON_EXIT = ["--on-exit", "stop-services"];

export class SystemCluster {
  /** Processes and what they hold: ended first, so that users and files are no longer in use. */
  readonly #processes = new Cleanup();
  /** Users, database, NATS, namespaces, files. */
  readonly #resources = new Cleanup();
  readonly busPrefix: string;
  readonly hosts: AgentHost[] = [];
  readonly dir: string;
  coordinator!: TestProcess;
  address = "";
  api!: AdminApi;

  private constructor(
    readonly id: string,
    readonly network: TestNetwork,
    readonly nats: PrivateNatsServer,
    readonly database: TestDatabase,
    dir: string,
    readonly secure: SecureClusterOptions | undefined,
  ) {
    this.dir = dir;
    this.busPrefix = `sys${id}`;
  }

  /** Database, NATS, `agents` namespaces, the coordinator, the operator's API client; no agent runs yet. */
  static async start(agents = 2, secure?: SecureClusterOptions): Promise<SystemCluster> {
    const cleanup = new Cleanup();
    try {
      const id = randomBytes(4).toString("hex");
      const dir = mkdtempSync(join(tmpdir(), "vigil-system-"));
      cleanup.defer("remove the temp dir", () => rmSync(dir, { recursive: true, force: true }));
      const network = createTestNetwork(agents);
      cleanup.defer("remove the network namespaces", () => network.remove());
      const configFile = secure === undefined ? undefined : writeNatsUsers(dir, id, secure);
      const nats = await startPrivateNatsServer({ host: network.hub, ...(configFile && { configFile }) });
      cleanup.defer("stop nats-server", () => nats.dispose());
      const database = await createTestDatabase();
      cleanup.defer("drop the database", () => database.drop());
      const cluster = new SystemCluster(id, network, nats, database, dir, secure);
      cluster.#resources.defer("the cluster's base", () => cleanup.run());
      return cluster;
    } catch (error) {
      await cleanup.run();
      throw error;
    }
  }

  /** The usual setup: the coordinator, the agents of hosts "a" and "b" up (cluster.hosts), accounts alpha and beta. */
  static async startWithTwoHosts(): Promise<SystemCluster> {
    const cluster = await SystemCluster.start(2);
    try {
      await cluster.startCoordinator();
      const hosts = [await cluster.addHost("a"), await cluster.addHost("b")];
      await Promise.all(hosts.map((host) => cluster.startAgent(host)));
      await Promise.all(hosts.map((host) => cluster.waitForHostState(host, "up")));
      await cluster.addAccount("alpha");
      await cluster.addAccount("beta");
      return cluster;
    } catch (error) {
      await cluster.close();
      throw error;
    }
  }

  /** Creates a service, waits until the API reports it running, and returns the host it was placed on. */
  async createRunningService(account: string, name: string, command: string): Promise<AgentHost> {
    const created = await this.api.createService(account, name, command);
    await waitFor(`${account}/${name} running`, async () => ((await this.api.getService(account, name)).status?.state === "running" ? true : undefined));
    const host = this.hosts.find((candidate) => candidate.name === created.host);
    if (host === undefined) throw new Error(`${account}/${name} was placed on ${created.host}, not on a host of this cluster`);
    return host;
  }

  /** Starts (or restarts, on the same port) the coordinator process and connects the API client; `args` are added to its command line. */
  async startCoordinator(args: readonly string[] = []): Promise<TestProcess> {
    const port = this.address === "" ? "0" : this.address.slice(this.address.lastIndexOf(":") + 1);
    const tokenFile = join(this.dir, "operator.token");
    const coordinator = TestProcess.start("vigil coordinator", process.execPath, [...this.#coordinatorArgs(port), ...args], { cwd: REPO, env: childEnv() });
    if (this.address === "") this.#processes.defer("stop the coordinator", () => this.coordinator.stop());
    this.coordinator = coordinator;
    const [, address] = await coordinator.waitForOutput(/listening on ([^\s"]+)/, START_TIMEOUT_MS);
    if (this.api === undefined) {
      this.address = address!;
      const channel = this.secure === undefined ? undefined : credentials.createSsl(readFileSync(this.caFile));
      this.api = new AdminApi(this.address, readFileSync(tokenFile, "utf8").trim(), channel);
      this.#processes.defer("close the API client", () => this.api.close());
    }
    return coordinator;
  }

  /**
   * Another coordinator replica on the same database, NATS and bus prefix, on a port of its own
   * (in a secure cluster with the same state directory, so the same CA and certificate); the first
   * one's bootstrap token file exists, so it writes none. Ended by close().
   */
  async startReplica(): Promise<{ readonly process: TestProcess; readonly address: string }> {
    const replica = TestProcess.start("vigil coordinator (replica)", process.execPath, this.#coordinatorArgs("0"), { cwd: REPO, env: childEnv() });
    this.#processes.defer("stop the replica coordinator", () => replica.stop());
    const [, address] = await replica.waitForOutput(/listening on ([^\s"]+)/, START_TIMEOUT_MS);
    return { process: replica, address: address! };
  }

  #coordinatorArgs(port: string): string[] {
    return [
      ...[BUNDLE, "coordinator", "--database-url", this.database.url, "--nats-url", this.nats.url, "--listen", `${this.network.hub}:${port}`],
      ...["--bus-prefix", this.busPrefix, "--bootstrap-token-file", join(this.dir, "operator.token")],
      ...(this.secure === undefined ? INSECURE : ["--state-dir", join(this.dir, "coordinator"), "--nats-credentials-file", join(this.dir, "nats-coordinator")]),
    ];
  }

  /** The first operator token, written by the first coordinator's start. */
  get operatorToken(): string {
    return readFileSync(join(this.dir, "operator.token"), "utf8").trim();
  }

  /**
   * A host name unique on this machine (it names the agent's cgroup subtree) with the next free
   * namespace (or `options.network`) and a host token issued through the API (or `options.token`).
   * With `options.owner`, the host is added as that account's private host (`vigil host add --pool
   * private --owner`), before its agent's first Hello.
   */
  async addHost(suffix: string, options: { readonly token?: string; readonly network?: HostNetwork; readonly owner?: string } = {}): Promise<AgentHost> {
    const network = options.network ?? this.network.hosts[this.hosts.length];
    if (network === undefined) throw new Error(`the cluster was started with ${this.network.hosts.length} namespaces`);
    const name = `sys-${this.id}-${suffix}`;
    const pool = options.owner === undefined ? { pool: "public" } : { pool: "private", ownerAccount: options.owner };
    const token =
      options.token ??
      (this.secure === undefined && options.owner === undefined
        ? (await this.api.call<IssuedToken>("issueToken", { scope: "host", subject: name, description: "system test" })).token
        : (await this.api.call<AddedHost>("addHost", { name, ...pool })).bootstrapToken);
    const host: AgentHost = { name, network, stateDir: mkdtempSync(join(this.dir, `agent-${suffix}-`)), token };
    registerAgentStateDir(name, host.stateDir);
    this.hosts.push(host);
    this.#processes.defer(`remove ${name}'s cgroups`, () => removeAgentCgroups(name));
    this.#processes.defer(`stop ${name}'s agent`, () => host.process?.stop(20_000));
    return host;
  }

  /**
   * Starts `vigil agent` for the host inside its namespace; `token` overrides the host's own. The
   * agent stops its services when it is stopped (so a test leaves none running) unless `options.args`
   * says `--on-exit leave-running`.
   * `options.args` are added to the command line; `tokenInEnvironment` false leaves VIGIL_TOKEN unset
   * (for --token-file); `started` false returns at once (for an agent expected to refuse to start).
   */
  async startAgent(
    host: AgentHost,
    token = host.token,
    options: { readonly args?: readonly string[]; readonly tokenInEnvironment?: boolean; readonly started?: boolean; readonly bundle?: boolean } = {},
  ): Promise<TestProcess> {
    // `bundle`: the built CLI (npm ci builds it), another build of the agent than the sources.
    const program = options.bundle === true ? [BUNDLE] : ["--import", "tsx", MAIN];
    const args = [...program, "agent", "--coordinator", this.address, "--nats-url", this.nats.url, "--host-name", host.name, "--state-dir", host.stateDir, "--bus-prefix", this.busPrefix, ...this.#transportArgs(host), ...STOP_SERVICES_ON_EXIT, ...(options.args ?? [])];
    const entered = this.network.enter(host.network, process.execPath, args);
    // The token goes through the environment: command lines are readable by every user.
    const env = childEnv(options.tokenInEnvironment === false ? {} : { VIGIL_TOKEN: token });
    if (options.tokenInEnvironment === false) delete env["VIGIL_TOKEN"];
    host.process = TestProcess.start(`agent ${host.name}`, entered.command, entered.args, { cwd: REPO, env });
    if (options.started !== false) await host.process.waitForOutput(/"msg":"agent running"/, START_TIMEOUT_MS);
    return host.process;
  }

  /** The coordinator's CA (secure clusters), created by its first start. */
  get caFile(): string {
    return join(this.dir, "coordinator", "tls", "ca.pem");
  }

  #transportArgs(host: AgentHost): string[] {
    if (this.secure === undefined) return INSECURE;
    return ["--ca-file", this.caFile, "--nats-credentials-file", join(this.dir, `nats-${host.name}`)];
  }

  async waitForHostState(host: AgentHost, state: "up" | "down", timeoutMs = 60_000): Promise<void> {
    await waitFor(`${host.name} ${state}`, async () => ((await this.api.host(host.name))?.state === state ? true : undefined), { timeoutMs, intervalMs: 200 });
  }

  /** An account (public-cloud unless told) whose services run as a fresh Unix user. */
  async addAccount(name: string, cloud: "public" | "private" = "public"): Promise<Account> {
    const user = createTestUser();
    this.#resources.defer(`remove user ${user.name}`, () => user.remove());
    return this.api.call<Account>("createAccount", { account: Account.fromPartial({ name, cloud, unixUser: user.name, uid: user.uid, gid: user.gid, home: user.home }) });
  }

  /** The coordinator's and agents' output, for failure messages. */
  logs(): string {
    const parts = [`--- coordinator\n${this.coordinator?.output.slice(-4_000) ?? ""}`];
    for (const host of this.hosts) parts.push(`--- ${host.name}\n${host.process?.output.slice(-4_000) ?? ""}`);
    return parts.join("\n");
  }

  async close(): Promise<void> {
    try {
      await this.#processes.run();
    } finally {
      await this.#resources.run();
    }
  }
}
