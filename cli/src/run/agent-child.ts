// `vigil up`'s agent as a child process: a small Node process that launches services, apart from
// the coordinator's database heap (forking from a large heap is slow, and a database pause must
// never delay noticing an exit). Restarted when it dies; stopped with SIGTERM; ends with its parent.
import { type ChildProcess, spawn } from "node:child_process";
import { type Logger } from "@vigil/shared/logging";

export interface AgentChildOptions {
  readonly hostName: string;
  readonly stateDir: string;
  readonly hostConfig: string | null;
  /** host:port of the agent's /metrics listener; null: none. */
  readonly metricsListen: string | null;
  readonly logger: Logger;
}

/** Restarts after an unexpected exit wait this long, doubling up to a minute. */
const RESTART_DELAYS_MS = [1_000, 2_000, 5_000, 15_000, 60_000];

/** The parent's environment without its own VIGIL_* settings, which are not the agent's. */
function childEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("VIGIL_")) env[key] = value;
  return env;
}

/** Where the agent connects: known only once the coordinator listens and the database issued a token. */
export interface AgentLinkSettings {
  readonly coordinator: string;
  readonly token: string;
}

export class AgentChild {
  readonly #options: AgentChildOptions;
  #child: ChildProcess | undefined;
  #stopping = false;
  #restarts = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #exitListeners = new Set<(code: number | null, signal: NodeJS.Signals | null) => void>();
  #settings: AgentLinkSettings | undefined;

  constructor(options: AgentChildOptions) {
    this.#options = options;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Starts the process at once (its start-up overlaps the database's); it waits for `provide`. The
   * address and token travel on its standard input, never on the command line.
   */
  start(): void {
    const { hostName, stateDir, hostConfig, metricsListen } = this.#options;
    // The same entry point and loader flags as this process: tsx from source, or the built bundle.
    const argv = [...process.execArgv, process.argv[1]!, "agent", "--events", "link", "--exit-with-stdin", "--host-name", hostName, "--state-dir", stateDir];
    if (hostConfig !== null) argv.push("--host-config", hostConfig);
    if (metricsListen !== null) argv.push("--metrics-listen", metricsListen);
    const child = spawn(process.execPath, argv, { stdio: ["pipe", 2, 2], env: childEnvironment() });
    this.#child = child;
    // A restarted agent gets the settings again at once.
    if (this.#settings !== undefined) this.#send(child, this.#settings);
    child.once("exit", (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      for (const listener of this.#exitListeners) listener(code, signal);
      if (this.#stopping) return;
      const delay = RESTART_DELAYS_MS[Math.min(this.#restarts, RESTART_DELAYS_MS.length - 1)]!;
      this.#restarts += 1;
      this.#options.logger.error({ code, signal }, `the agent exited; starting it again in ${delay / 1000} s`);
      this.#restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  provide(settings: AgentLinkSettings): void {
    this.#settings = settings;
    if (this.#child !== undefined) this.#send(this.#child, settings);
  }

  #send(child: ChildProcess, settings: AgentLinkSettings): void {
    child.stdin?.write(`${JSON.stringify({ coordinator: settings.coordinator, token: settings.token })}\n`);
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
