// Spawns the launch wrapper and waits for its fd-3 report, turning an early failure (cgroup,
// directory, setpriv) into a StartFailure that carries the shell's own message.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync } from "node:fs";
import type { Readable } from "node:stream";
import { type LaunchStatus, parseLaunchStatus } from "./launch-command.js";
import { createOutputPipe, type OutputPipe } from "./output-pipe.js";
import { type ExitStatus, type LaunchRequest, StartFailure } from "./process-driver.js";

export interface SpawnedWrapper {
  readonly child: ChildProcess & { readonly pid: number };
  /** The service's stdout and stderr. */
  readonly output: Readable;
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

export async function spawnWrapper(argv: string[], request: LaunchRequest, privateDir: string): Promise<SpawnedWrapper> {
  let pipe: OutputPipe;
  try {
    pipe = await createOutputPipe(privateDir, request.user);
  } catch (error) {
    throw new StartFailure("spawn-failed", `could not start unit ${request.unit}: no output pipe (${(error as Error).message})`);
  }
  const child = spawn("/bin/sh", argv, {
    // A copy: spawn must see exactly these variables and nothing of the agent's own environment.
    env: { ...request.env },
    // setsid(): the service gets its own session and process group, apart from the agent's.
    detached: true,
    // fd 2 becomes a dup of fd 1 inside the wrapper (one pipe for both); fd 3 is the status channel.
    stdio: ["ignore", pipe.writeFd, "ignore", "pipe"],
  });
  // Only the service may hold the write end, so the output ends when the service's last process does.
  closeSync(pipe.writeFd);
  if (child.pid === undefined) {
    pipe.output.destroy();
    const error = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw new StartFailure("spawn-failed", `could not start unit ${request.unit}: ${error.message}`);
  }
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  const statusPipe = child.stdio[3] as Readable;
  const status = readAll(statusPipe, 64).then(parseLaunchStatus);
  return { child: child as SpawnedWrapper["child"], output: pipe.output, exited, status };
}

/** The StartFailure for a wrapper that stopped before running the command; it has exited by now. */
export async function describeEarlyExit(wrapper: SpawnedWrapper, status: LaunchStatus, request: LaunchRequest): Promise<StartFailure> {
  const [output, exit] = await Promise.all([readAll(wrapper.output, 4096), wrapper.exited]);
  const said = output.trim().split("\n").filter(Boolean).join("; ") || "no message";
  if (status === "cwd") {
    const who = request.user ? `user ${request.user.name}` : "the agent's user";
    return new StartFailure("missing-directory", `working directory ${request.cwd} is not accessible to ${who}: ${said}`);
  }
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  const step = status === "cgroup" ? "could not join its cgroup" : request.user ? `could not switch to user ${request.user.name}` : "stopped before running its command";
  return new StartFailure("spawn-failed", `unit ${request.unit} ${step} (${how}): ${said}`);
}
