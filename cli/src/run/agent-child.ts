// `vigil up`'s agent as a child process: a small Node process that launches services, apart from
// the coordinator's database heap (forking from a large heap is slow, and a database pause must
// never delay noticing an exit). Restarted when it dies; stopped with SIGTERM; ends with its parent.
import { type ChildProcess, spawn } from "node:child_process";

export interface AgentChildOptions {
  readonly coordinator: string;
  readonly hostName: string;
  readonly token: string;
  readonly stateDir: string;
  readonly hostConfig: string | null;
  readonly log: (line: string) => void;
}

/** Restarts after an unexpected exit wait this long, doubling up to a minute. */
const RESTART_DELAYS_MS = [1_000, 2_000, 5_000, 15_000, 60_000];

/** The parent's environment without its own VIGIL_* settings, which are not the agent's. */
function childEnvironment(token: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("VIGIL_")) env[key] = value;
  // The token travels in the environment (readable only by the same user), never on the command line.
  env["VIGIL_TOKEN"] = token;
  return env;
}

export class AgentChild {
  readonly #options: AgentChildOptions;
  #child: ChildProcess | undefined;
  #stopping = false;
  #restarts = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #exitListeners = new Set<(code: number | null, signal: NodeJS.Signals | null) => void>();

  constructor(options: AgentChildOptions) {
    this.#options = options;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    const { coordinator, hostName, stateDir, hostConfig } = this.#options;
    // The same entry point and loader flags as this process: tsx from source, or the built bundle.
    const argv = [...process.execArgv, process.argv[1]!, "agent", "--events", "link", "--exit-with-stdin", "--coordinator", coordinator, "--host-name", hostName, "--state-dir", stateDir];
    if (hostConfig !== null) argv.push("--host-config", hostConfig);
    const child = spawn(process.execPath, argv, { stdio: ["pipe", 2, 2], env: childEnvironment(this.#options.token) });
    this.#child = child;
    child.once("exit", (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      for (const listener of this.#exitListeners) listener(code, signal);
      if (this.#stopping) return;
      const delay = RESTART_DELAYS_MS[Math.min(this.#restarts, RESTART_DELAYS_MS.length - 1)]!;
      this.#restarts += 1;
      this.#options.log(`vigil up: the agent exited (${signal ?? `code ${code}`}); starting it again in ${delay / 1000} s`);
      this.#restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  /** Resolves when the agent process exits next. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve) => {
      const listener = (code: number | null, signal: NodeJS.Signals | null) => {
        this.#exitListeners.delete(listener);
        resolve({ code, signal });
      };
      this.#exitListeners.add(listener);
    });
  }

  /** SIGTERM: the agent stops every service, sends their last events, and exits. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return null;
    const exit = this.exited();
    child.kill("SIGTERM");
    return exit;
  }
}
