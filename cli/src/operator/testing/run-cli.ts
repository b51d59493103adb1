// Test helper: runs the `vigil` CLI as a child process (node --import tsx cli/src/main.ts) or, much
// cheaper, in this process with its own streams and environment, collecting stdout, stderr and exit code.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { withCliIo } from "../../io/cli-io.js";
import { runVigil } from "../../run-vigil.js";

export const CLI_MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI's program run in-process, as a child would run it, minus the process start (1-3 s under tsx). */
export async function runCliInProcess(args: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env, cwd };
  const code = await withCliIo(io, () => runVigil(args));
  return { code, stdout, stderr };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", CLI_MAIN, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the CLI without waiting; the caller must end it (by its pid) in the test. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", CLI_MAIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
}
