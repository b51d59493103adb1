// Runs a peer's CLI (supervisorctl, pm2) with a deadline and collects its output; a non-zero exit
// is reported, not thrown, because "start all" with a crasher among the services fails by design.
import { execFile } from "node:child_process";

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCommand(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: options.env ?? process.env, timeout: options.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024, killSignal: "SIGKILL" }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") {
        if (error.killed) return reject(new Error(`${file} ${args.join(" ")} timed out after ${options.timeoutMs ?? 180_000} ms`));
        return reject(error);
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}
