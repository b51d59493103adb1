// Test helper: runs the `vigil` CLI as a user runs it (cli/bin/vigil.mjs, the bundle `npm test` rebuilds
// first) or, cheaper still, in this process with its own streams and environment, collecting stdout,
// stderr and exit code. The bundle starts in ~0.1 s; the sources through tsx took 1-3 s, 10 s on a loaded CI.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { withCliIo } from "../../io/cli-io.js";
import { runVigil } from "../../run-vigil.js";

/** The installed command's entry: run it with `process.execPath`. */
export const CLI_BIN = fileURLToPath(new URL("../../../bin/vigil.mjs", import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI's program run in-process, as a child would run it, minus the process start. */
export async function runCliInProcess(args: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env, cwd };
  const code = await withCliIo(io, () => runVigil(args));
  return { code, stdout, stderr };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_BIN, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the CLI without waiting; the caller must end it (by its pid) in the test. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
}
