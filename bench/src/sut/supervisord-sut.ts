// supervisord (Debian's package) under test: a private daemon run in the foreground (nodaemon, so
// its pid is our child's), driven with `supervisorctl -c` over a unix socket in its temp dir.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive } from "../proc/proc-info.js";
import { sleep, waitFor } from "../proc/wait.js";
import { rotatedLogFiles } from "./log-files.js";
import { runCommand, type CommandResult } from "./run-command.js";
import type { SupervisorUnderTest } from "./supervisor-under-test.js";
import { supervisordConfig, supervisordLogFile } from "./supervisord-config.js";
import type { ServiceDef } from "./workloads.js";

export class SupervisordUnderTest implements SupervisorUnderTest {
  readonly name = "supervisord" as const;
  private dir = "";
  private daemon: ChildProcess | null = null;

  private get conf(): string {
    return join(this.dir, "supervisord.conf");
  }

  async boot(services: readonly ServiceDef[]): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), "vigil-bench-supervisord-"));
    mkdirSync(join(this.dir, "logs"));
    writeFileSync(this.conf, supervisordConfig(this.dir, services));
    this.daemon = spawn("supervisord", ["-c", this.conf], { stdio: "ignore" });
    await waitFor(async () => ((await this.ctl("pid")).code === 0 ? true : undefined), "supervisord to answer on its socket", 60_000, 50);
  }

  async startAll(): Promise<void> {
    await this.ctl("start", "all");
  }

  async stopAll(): Promise<void> {
    await this.ctl("stop", "all");
  }

  async gaveUp(name: string): Promise<boolean> {
    return /\bFATAL\b/.test((await this.ctl("status", name)).stdout);
  }

  logFiles(name: string): string[] {
    return rotatedLogFiles(supervisordLogFile(this.dir, name));
  }

  daemonPids(): number[] {
    return this.daemon?.pid === undefined ? [] : [this.daemon.pid];
  }

  /** SIGTERM: supervisord stops its programs and exits; SIGKILL after 30 s. */
  async shutdown(): Promise<void> {
    const pid = this.daemon?.pid;
    if (pid !== undefined && isAlive(pid)) {
      process.kill(pid, "SIGTERM");
      for (let i = 0; i < 600 && isAlive(pid); i += 1) await sleep(50);
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
    this.daemon = null;
    if (this.dir !== "") rmSync(this.dir, { recursive: true, force: true });
  }

  private ctl(...args: string[]): Promise<CommandResult> {
    return runCommand("supervisorctl", ["-c", this.conf, ...args]);
  }
}
