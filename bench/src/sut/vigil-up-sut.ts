// Vigil under test as users run it: `vigil up` (coordinator with PGlite + agent child) from the built
// bundle, services created with one CreateServices call, stop-all through `vigil service stop --all`.
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type ServiceStatus } from "@vigil/shared";
import { BenchAdminClient } from "../control/admin-client.js";
import { benchAccounts, byAccount } from "../vigil/bench-accounts.js";
import { UpProcess, type UpReady, VIGIL_BIN } from "../vigil/up-process.js";
import { rotatedLogFiles } from "./log-files.js";
import { runCommand } from "./run-command.js";
import { waitFor } from "../proc/wait.js";
import type { AgentKill, SupervisorUnderTest } from "./supervisor-under-test.js";
import { type ServiceDef, shellQuote, workloadArgv } from "./workloads.js";

/**
 * As root, `vigil up` runs services as nobody: the workloads' pid-file directories must let nobody
 * write, and the bench's private temp directories above them let nobody in (never tmpdir itself).
 */
function openPidDirectories(services: readonly ServiceDef[]): void {
  const top = tmpdir();
  for (const dir of new Set(services.map((service) => dirname(service.pidFile)))) {
    if (!dir.startsWith(`${top}/`)) throw new Error(`${dir}: the bench keeps pid files under ${top}`);
    chmodSync(dir, 0o1777);
    for (let above = dirname(dir); above.startsWith(`${top}/`); above = dirname(above)) chmodSync(above, statSync(above).mode | 0o011);
  }
}

/** What the agent logs once its cached desired state is applied (agent/src/daemon/start-agent.ts). */
const CACHED_STATE_APPLIED = "cached desired state applied";

export class VigilUpUnderTest implements SupervisorUnderTest {
  readonly name = "vigil" as const;
  private up: UpProcess | null = null;
  private ready: UpReady | null = null;
  private client: BenchAdminClient | null = null;
  private services: { name: string; command: string }[] = [];
  /** Which account each service is in (benchAccounts). */
  private readonly accountOf = new Map<string, string>();
  private accounts: string[] = [];

  async boot(services: readonly ServiceDef[]): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "vigil-bench-up-"));
    chmodSync(dir, 0o755);
    openPidDirectories(services);
    // `exec`: the workload replaces the shell, so its pid is the main pid Vigil tracks.
    this.services = services.map((service) => ({ name: service.name, command: `exec ${shellQuote(workloadArgv(service))}` }));
    const { up, ready } = await UpProcess.start(dir);
    this.up = up;
    this.ready = ready;
    this.client = new BenchAdminClient(ready.address, ready.token);
    this.accounts = await benchAccounts(this.admin(), join(dir, "homes"), ready.account, this.services.length);
    for (const [account, services] of byAccount(this.accounts, this.services)) for (const service of services) this.accountOf.set(service.name, account);
    // The stop-all command runs as an operator reaching every account: a CLI config without a default account.
    writeFileSync(join(dir, "operator.json"), JSON.stringify({ address: ready.address, token: ready.token }), { mode: 0o600 });
  }

  /** From spawn to `vigil up: ready` of the last boot. */
  get readyMs(): number | null {
    return this.ready?.readyMs ?? null;
  }

  /** One CreateServices call per account, all at once (one transaction each). */
  async startAll(): Promise<void> {
    await Promise.all([...byAccount(this.accounts, this.services)].map(([account, services]) => this.admin().createServices(account, services)));
  }

  /** `vigil service stop --all` as an operator: one ControlServices call covering every account. */
  async stopAll(): Promise<void> {
    const env = { ...process.env, VIGIL_CLIENT_CONFIG: join(this.instance().dir, "operator.json") };
    const result = await runCommand(process.execPath, [VIGIL_BIN, "service", "stop", "--all"], { env, timeoutMs: 120_000 });
    if (result.code !== 0) throw new Error(`vigil service stop --all: exit ${result.code}: ${result.stderr.trim()}`);
  }

  async gaveUp(name: string): Promise<boolean> {
    const service = (await this.admin().call("getService", { account: this.accountFor(name), name })) as { status?: ServiceStatus };
    return service.status?.state === "disabled";
  }

  logFiles(name: string): string[] {
    return rotatedLogFiles(join(this.instance().dir, "homes", this.accountFor(name), "admin", "logs", "services", `${name}.log`));
  }

  /** vigil up itself; its tree (measured without the services) holds the agent child. */
  daemonPids(): number[] {
    return this.up === null ? [] : [this.up.pid];
  }

  agentPid(): number | null {
    return this.up?.agentPid() ?? null;
  }

  /**
   * kill -9 of vigil up's agent child; resolves once the agent vigil up starts again says it applied
   * its cached desired state (adopting the services the killed one left running).
   */
  async killAgent(): Promise<AgentKill> {
    const up = this.instance();
    const old = up.agentPid();
    if (old === null) throw new Error("vigil up has no agent child");
    const applied = up.occurrences(CACHED_STATE_APPLIED);
    const killedAt = performance.now();
    process.kill(old, "SIGKILL");
    const agent = await waitFor(() => {
      const pid = up.agentPid();
      return pid !== null && pid !== old ? pid : undefined;
    }, "the agent vigil up starts after kill -9 of the last one", 120_000, 2);
    const agentStartedMs = performance.now() - killedAt;
    await waitFor(() => (up.occurrences(CACHED_STATE_APPLIED) > applied ? true : undefined), `the new agent's "${CACHED_STATE_APPLIED}"`, 300_000, 2);
    return { agent, agentStartedMs, supervisedMs: performance.now() - killedAt };
  }

  async shutdown(): Promise<void> {
    this.client?.close();
    this.client = null;
    const up = this.up;
    this.up = null;
    if (up === null) return;
    await up.stop();
    rmSync(up.dir, { recursive: true, force: true });
  }

  private instance(): UpProcess {
    if (this.up === null) throw new Error("vigil up is not running");
    return this.up;
  }

  private admin(): BenchAdminClient {
    if (this.client === null) throw new Error("vigil up is not running");
    return this.client;
  }

  private accountFor(name: string): string {
    return this.accountOf.get(name) ?? this.ready?.account ?? "";
  }
}
