// Spawns the launch wrapper, hands the user shell its script on fd 0 and waits for the fd-3 report,
// turning an early failure (cgroup, directory, setpriv) into a StartFailure a user can act on.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync } from "node:fs";
import { userInfo } from "node:os";
import type { Readable } from "node:stream";
import { buildUserScript, type LaunchStatus, parseLaunchStatus, ROOT_ENVIRONMENT, ROOT_SHELL } from "./launch-command.js";
import { createOutputPipe, type OutputPipe } from "./output-pipe.js";
import { type ExitStatus, type LaunchRequest, type LaunchUser, StartFailure } from "./process-driver.js";

export interface SpawnedWrapper {
  readonly child: ChildProcess & { readonly pid: number };
  /** The service's stdout and stderr. */
  readonly output: Readable;
  /** The descriptor under `output` (see OutputPipe.readFd). */
  readonly outputFd: number;
  readonly exited: Promise<ExitStatus>;
  /** Settles once the wrapper has exec'd the command ("ready") or given up. */
  readonly status: Promise<LaunchStatus>;
}

function readAll(stream: Readable, limitBytes: number): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      if (text.length < limitBytes) text += chunk.slice(0, limitBytes - text.length);
    });
    stream.once("end", () => resolve(text));
    stream.once("close", () => resolve(text));
    stream.once("error", () => resolve(text));
  });
}

/** `outputPath`: the name the service's output pipe keeps while it runs (see output-pipe.ts). */
export async function spawnWrapper(argv: string[], request: LaunchRequest, privateDir: string, outputPath?: string): Promise<SpawnedWrapper> {
  let pipe: OutputPipe;
  try {
    pipe = await createOutputPipe(privateDir, request.user, outputPath);
  } catch (error) {
    throw new StartFailure("spawn-failed", `could not start unit ${request.unit}: no output pipe (${(error as Error).message})`);
  }
  const child = spawn(ROOT_SHELL, argv, {
    // Vigil's own, fixed: the service's variables reach only the user shell, through its script.
    env: { ...ROOT_ENVIRONMENT },
    // setsid(): the service gets its own session and process group, apart from the agent's.
    detached: true,
    // fd 0 carries the user script; fd 2 becomes a dup of fd 1 inside the wrapper (one pipe for
    // both); fd 3 is the status channel.
    stdio: ["pipe", pipe.writeFd, "ignore", "pipe"],
  });
  // Only the service may hold the write end, so the output ends when the service's last process does.
  closeSync(pipe.writeFd);
  if (child.pid === undefined) {
    pipe.output.destroy();
    const error = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw new StartFailure("spawn-failed", `could not start unit ${request.unit}: ${error.message}`);
  }
  // Read only by the user shell; a wrapper that died before reading it makes this write fail (EPIPE).
  child.stdin?.on("error", () => undefined);
  child.stdin?.end(buildUserScript(request));
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  const statusPipe = child.stdio[3] as Readable;
  const status = readAll(statusPipe, 64).then(parseLaunchStatus);
  return { child: child as SpawnedWrapper["child"], output: pipe.output, outputFd: pipe.readFd, exited, status };
}

/** The StartFailure for a wrapper that stopped before running the command; it has exited by now. */
export async function describeEarlyExit(wrapper: SpawnedWrapper, status: LaunchStatus, request: LaunchRequest): Promise<StartFailure> {
  const [output, exit] = await Promise.all([readAll(wrapper.output, 4096), wrapper.exited]);
  if (status === "cwd") {
    // Decided by the user's own cd: the same words for missing, forbidden or not a directory, so
    // the message says nothing about paths the user could not look at.
    return new StartFailure("missing-directory", `working directory ${request.cwd} does not exist or is not reachable by ${describeUser(request.user)}`);
  }
  const said = output.trim().split("\n").filter(Boolean).join("; ") || "no message";
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  const step = status === "cgroup" ? "could not join its cgroup" : joinNetnsFailed(request, said) ? "could not join its account's network namespace" : request.user ? `could not switch to user ${request.user.name}` : "stopped before running its command";
  return new StartFailure("spawn-failed", `unit ${request.unit} ${step} (${how}): ${said}`);
}

/** nsenter names itself in what it says when it cannot enter the namespace. */
function joinNetnsFailed(request: LaunchRequest, said: string): boolean {
  return request.netns !== undefined && said.startsWith("nsenter");
}

function describeUser(user: LaunchUser | null): string {
  if (user) return `user ${user.name} (uid ${user.uid})`;
  const self = userInfo();
  return `the agent's user ${self.username} (uid ${self.uid})`;
}
