// Runs `vigil log-keeper` and starts it for an agent: detached (its own session, so a signal to the
// agent's process group never reaches it), the same entry point and loader flags as this process.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join, resolve } from "node:path";
import { logKeeperDir, runLogKeeper, StateDirLocked } from "@vigil/agent/log-keeper";

export async function runLogKeeperProcess(options: { readonly stateDir: string; readonly protocol?: number }): Promise<void> {
  const log = (message: string) => process.stderr.write(`${new Date().toISOString()} vigil log-keeper ${process.pid}: ${message}\n`);
  process.on("SIGHUP", () => undefined);
  // SIGTERM or SIGINT: every pipe let go with nothing lost (as in a handover), then exit.
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => stop.abort());
  try {
    const how = await runLogKeeper({ stateDir: resolve(options.stateDir), log, stop: stop.signal, ...(options.protocol !== undefined && { protocol: options.protocol }) });
    log(how === "idle" ? "no agent and no pipe left: exiting" : "exiting after the handover");
  } catch (error) {
    // Exactly one keeper per state directory: the agent finds the one that runs.
    if (error instanceof StateDirLocked) log(`another keeper runs (pid ${error.holder.pid}): exiting`);
    else throw error;
  }
}

/** Without VIGIL_TOKEN and the agent's other settings: the keeper needs none. */
function withoutVigilSettings(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VIGIL_")));
}

/**
 * Starts `vigil log-keeper` for the agent on `stateDir`; its messages go to log-keeper/keeper.log
 * there. Resolves when that process exits. The working directory is the agent's: `--import tsx`
 * (from the sources) is resolved from it.
 */
export function startLogKeeper(stateDir: string, protocol?: number): Promise<void> {
  const dir = logKeeperDir(stateDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const logFd = openSync(join(dir, "keeper.log"), "a", 0o600);
  try {
    const argv = [...process.execArgv, process.argv[1]!, "log-keeper", "--state-dir", resolve(stateDir), ...(protocol !== undefined ? ["--protocol", String(protocol)] : [])];
    const child = spawn(process.execPath, argv, { detached: true, stdio: ["ignore", logFd, logFd], env: withoutVigilSettings() });
    child.unref();
    return new Promise((resolve) => {
      child.once("error", () => resolve());
      child.once("exit", () => resolve());
    });
  } finally {
    closeSync(logFd);
  }
}
