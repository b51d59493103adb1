// `vigil up` as the README starts it, for the bench: the built bundle (node cli/bin/vigil.mjs up)
// with its own state and homes directories and a loopback port, its ready line parsed and timed.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { childPids, commandLine, isAlive } from "../proc/proc-info.js";
import { sleep, waitFor } from "../proc/wait.js";

/** The `vigil` command of the checkout (the bundle `npm ci` / `npm run build` made). */
export const VIGIL_BIN = fileURLToPath(new URL("../../../cli/bin/vigil.mjs", import.meta.url));

export interface UpReady {
  readonly address: string;
  readonly token: string;
  readonly account: string;
  /** From spawn to the "ready" line, as the user waits for it. */
  readonly readyMs: number;
}

export class UpProcess {
  private output = "";
  private constructor(
    private readonly child: ChildProcess,
    /** The directory holding state/, homes/ and the CLI config. */
    readonly dir: string,
  ) {}

  /** Starts `vigil up` on `dir`/state (new or reopened) and waits for its ready line. */
  static async start(dir: string, timeoutMs = 120_000): Promise<{ up: UpProcess; ready: UpReady }> {
    const started = performance.now();
    const child = spawn(process.execPath, [VIGIL_BIN, "up", "--state-dir", join(dir, "state"), "--homes-dir", join(dir, "homes"), "--listen", "127.0.0.1:0"], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, VIGIL_CLIENT_CONFIG: join(dir, "client.json") },
    });
    const up = new UpProcess(child, dir);
    child.stdout!.on("data", (chunk: Buffer) => (up.output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (up.output += chunk.toString()));
    await waitFor(
      () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`vigil up exited before it was ready: ${up.output.slice(-2000)}`);
        return up.output.includes("vigil up: ready") ? true : undefined;
      },
      "vigil up: ready",
      timeoutMs,
      5,
    );
    const readyMs = performance.now() - started;
    const config = JSON.parse(readFileSync(join(dir, "state", "cli.json"), "utf8")) as { address: string; token: string; account: string };
    return { up, ready: { address: config.address, token: config.token, account: config.account, readyMs } };
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** The environment that points the CLI at this instance (its config file). */
  cliEnv(): NodeJS.ProcessEnv {
    return { ...process.env, VIGIL_CLIENT_CONFIG: join(this.dir, "state", "cli.json") };
  }

  /** How many times `text` occurs in what vigil up (and its agent, on the same stderr) printed so far. */
  occurrences(text: string): number {
    return this.output.split(text).length - 1;
  }

  /** The embedded agent: the child process started with `agent`. */
  agentPid(): number | null {
    return childPids(this.pid).find((pid) => commandLine(pid).includes("agent")) ?? null;
  }

  /** Ctrl-C, as a user stops it (every service stopped first); SIGKILL to its group after `graceMs`. */
  async stop(graceMs = 60_000): Promise<void> {
    const pid = this.pid;
    if (pid === 0 || !isAlive(pid)) return;
    process.kill(pid, "SIGINT");
    const deadline = performance.now() + graceMs;
    while (isAlive(pid) && performance.now() < deadline) await sleep(25);
    if (isAlive(pid)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // exited meanwhile
      }
    }
  }
}
