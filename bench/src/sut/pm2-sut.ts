// PM2 under test: the bench-local install (bench/.peers/pm2) with its own PM2_HOME in a temp dir,
// driven with its CLI; `pm2 kill` at the end, then the daemon's pid is checked.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive } from "../proc/proc-info.js";
import { sleep } from "../proc/wait.js";
import { pm2Binary } from "../peers/install-peers.js";
import { rotatedLogFiles } from "./log-files.js";
import { runCommand, type CommandResult } from "./run-command.js";
import { CRASH_LOOP_STARTS, type SupervisorUnderTest } from "./supervisor-under-test.js";
import { isNodeWorkload, type ServiceDef, workloadPath } from "./workloads.js";

interface Pm2Process {
  readonly name: string;
  readonly pm2_env?: { readonly status?: string };
}

export class Pm2UnderTest implements SupervisorUnderTest {
  readonly name = "pm2" as const;
  private dir = "";
  private daemonPid: number | null = null;

  private get home(): string {
    return join(this.dir, "home");
  }

  async boot(services: readonly ServiceDef[]): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), "vigil-bench-pm2-"));
    mkdirSync(join(this.dir, "logs"));
    mkdirSync(this.home);
    const apps = services.map((service) => ({
      name: service.name,
      script: workloadPath(service.kind),
      args: [service.pidFile, ...(service.extraArgs ?? [])],
      // Shell scripts run as they are; .mjs through PM2's own Node container (its usual way).
      ...(isNodeWorkload(service.kind) ? {} : { interpreter: "none" }),
      exec_mode: "fork",
      autorestart: true,
      // PM2 stops an app once it has made max_restarts starts that each ended within min_uptime
      // (measured: max_restarts 4 gives 4 starts), so this gives up after CRASH_LOOP_STARTS starts.
      max_restarts: CRASH_LOOP_STARTS,
      min_uptime: 1000,
      out_file: this.logFile(service.name),
      error_file: join(this.dir, "logs", `${service.name}.err.log`),
    }));
    writeFileSync(join(this.dir, "apps.json"), JSON.stringify({ apps }));
    const ping = await this.pm2("ping");
    if (ping.code !== 0) throw new Error(`pm2 ping failed: ${ping.stderr}`);
    this.daemonPid = Number(readFileSync(join(this.home, "pm2.pid"), "utf8").trim());
  }

  async startAll(): Promise<void> {
    const result = await this.pm2("start", join(this.dir, "apps.json"));
    if (result.code !== 0) throw new Error(`pm2 start failed: ${result.stderr.slice(-2000)}`);
  }

  async stopAll(): Promise<void> {
    await this.pm2("stop", "all");
  }

  async gaveUp(name: string): Promise<boolean> {
    const { stdout } = await this.pm2("jlist");
    const list = JSON.parse(stdout.slice(stdout.indexOf("["))) as Pm2Process[];
    const status = list.find((p) => p.name === name)?.pm2_env?.status;
    return status === "errored" || status === "stopped";
  }

  logFiles(name: string): string[] {
    return rotatedLogFiles(this.logFile(name));
  }

  daemonPids(): number[] {
    return this.daemonPid === null ? [] : [this.daemonPid];
  }

  async shutdown(): Promise<void> {
    if (this.dir !== "" && existsSync(this.home)) await this.pm2("kill");
    const pid = this.daemonPid;
    if (pid !== null) {
      for (let i = 0; i < 600 && isAlive(pid); i += 1) await sleep(50);
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
    this.daemonPid = null;
    if (this.dir !== "") rmSync(this.dir, { recursive: true, force: true });
  }

  private logFile(name: string): string {
    return join(this.dir, "logs", `${name}.log`);
  }

  private pm2(...args: string[]): Promise<CommandResult> {
    return runCommand(process.execPath, [pm2Binary(), ...args], { env: { ...process.env, PM2_HOME: this.home, PM2_DISABLE_VERSION_CHECK: "true" } });
  }
}
