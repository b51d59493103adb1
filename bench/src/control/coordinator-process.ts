// The real `vigil coordinator` command as a child process (PostgreSQL + NATS), so that its RSS and
// CPU are its own; it is started with tsx like `npm run vigil`, and ended by pid.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { isAlive } from "../proc/proc-info.js";
import { sleep } from "../proc/wait.js";

const cliMain = fileURLToPath(new URL("../../../cli/src/main.ts", import.meta.url));

export interface CoordinatorProcess {
  readonly pid: number;
  readonly address: string;
  stop(): Promise<void>;
}

export async function startCoordinatorProcess(databaseUrl: string, natsUrl: string, prefix: string): Promise<CoordinatorProcess> {
  // VIGIL_BENCH_CPU_PROFILE=<dir>: the coordinator writes a V8 CPU profile there when it stops (for finding what dominates).
  const profile = process.env.VIGIL_BENCH_CPU_PROFILE;
  const args = [...(profile ? ["--cpu-prof", "--cpu-prof-dir", profile] : []), "--import", "tsx", cliMain, "coordinator", "--database-url", databaseUrl, "--nats-url", natsUrl, "--listen", "127.0.0.1:0", "--bus-prefix", prefix];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const address = await new Promise<string>((resolve, reject) => {
    // The coordinator logs JSON lines on stderr; its "listening on" record names the address.
    let log = "";
    const timer = setTimeout(() => reject(new Error(`vigil coordinator did not start within 60 s: ${stderr}`)), 60_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on ([^\s"]+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`vigil coordinator exited (${code}): ${stderr}`)));
  });
  const pid = child.pid!;
  return {
    pid,
    address,
    async stop() {
      if (!isAlive(pid)) return;
      process.kill(pid, "SIGTERM");
      for (let i = 0; i < 300 && isAlive(pid); i += 1) await sleep(50);
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    },
  };
}
