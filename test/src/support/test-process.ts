// A child process of a system test in its own process group, with its output captured (the tail is
// kept for failure messages) and a stop that escalates SIGTERM -> SIGKILL on the whole group.
import { type ChildProcess, spawn } from "node:child_process";
import { waitFor } from "./wait-for.js";

const OUTPUT_LIMIT = 256 * 1024;

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class TestProcess {
  #output = "";
  readonly exited: Promise<ProcessExit>;
  readonly pid: number;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    if (child.pid === undefined) throw new Error(`${name}: spawn failed`);
    this.pid = child.pid;
    const capture = (chunk: Buffer) => (this.#output = (this.#output + chunk.toString()).slice(-OUTPUT_LIMIT));
    child.stdout?.on("data", capture);
    child.stderr?.on("data", capture);
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  /** Spawns `command` as the leader of a new process group (so the test can end all it started). */
  static start(name: string, command: string, args: readonly string[], options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {}): TestProcess {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    return new TestProcess(name, child);
  }

  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first match of `pattern` in the output; fails early if the process exits first. */
  async waitForOutput(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    let exited = false;
    const match = await Promise.race([
      waitFor(`${this.name} to print ${pattern}`, () => (exited ? null : (pattern.exec(this.#output) ?? undefined)), { timeoutMs, intervalMs: 50 }),
      this.exited.then(() => null),
    ]);
    exited = true;
    // Output that came with the exit still counts.
    const found = match ?? pattern.exec(this.#output);
    if (found === null) throw new Error(`${this.name} exited before printing ${pattern}: ${this.#output.slice(-2_000)}`);
    return found;
  }

  /** SIGKILL to the leader only, as a crash would: whatever it started outside its group lives on. */
  async crash(): Promise<ProcessExit> {
    process.kill(this.pid, "SIGKILL");
    return this.exited;
  }

  /** SIGTERM to the group, SIGKILL to the group after `graceMs`; resolves when the leader is gone. */
  async stop(graceMs = 10_000): Promise<ProcessExit> {
    // A leader that is gone may have had its pid reused by now: signal only a live group.
    if (!this.running) return this.exited;
    signalGroup(this.pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(this.pid, "SIGKILL"), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    // Members of the group that outlived their leader (none expected) go too.
    signalGroup(this.pid, "SIGKILL");
    return exit;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
