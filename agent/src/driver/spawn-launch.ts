// Spawns the launch wrapper as the service's user, holds it on fd 3 until the agent lets it go, and
// turns an early failure (user switch, directory) into a StartFailure with the shell's own message.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync } from "node:fs";
import type { Readable } from "node:stream";
import type { Socket } from "node:net";
import { buildLaunchArgv, type LaunchStatus, parseLaunchStatus } from "./launch-command.js";
import { createOutputPipe, type OutputPipe } from "./output-pipe.js";
import { type ExitStatus, type LaunchRequest, StartFailure } from "./process-driver.js";

export interface SpawnedWrapper {
  readonly child: ChildProcess & { readonly pid: number };
  /** The service's stdout and stderr. */
  readonly output: Readable;
  readonly exited: Promise<ExitStatus>;
  /** Settles once the wrapper has exec'd the command ("ready") or given up. */
  readonly status: Promise<LaunchStatus>;
  /** Lets the held wrapper go on: call once it is in its cgroup (at once without cgroups). */
  proceed(): void;
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

export async function spawnWrapper(request: LaunchRequest, privateDir: string): Promise<SpawnedWrapper> {
  let pipe: OutputPipe;
  try {
    pipe = await createOutputPipe(privateDir, request.user);
  } catch (error) {
    throw new StartFailure("spawn-failed", `could not start unit ${request.unit}: no output pipe (${(error as Error).message})`);
  }
  const child = spawn("/bin/sh", buildLaunchArgv(request), {
    // A copy: spawn must see exactly these variables and nothing of the agent's own environment.
    env: { ...request.env },
    // setsid(): the service gets its own session and process group, apart from the agent's.
    detached: true,
    // libuv calls setgroups(0, NULL), setgid, setuid in the child: no setpriv process needed.
    ...(request.user ? { uid: request.user.uid, gid: request.user.gid } : {}),
    // fds 1 and 2 share one open pipe, so writes up to PIPE_BUF from either stay whole; fd 3 is the
    // hold and status channel (a socketpair: the agent writes "go", the wrapper answers).
    stdio: ["ignore", pipe.writeFd, pipe.writeFd, "pipe"],
  });
  // Only the service may hold the write end, so the output ends when the service's last process does.
  closeSync(pipe.writeFd);
  if (child.pid === undefined) {
    pipe.output.destroy();
    const error = await new Promise<Error>((resolve) => child.once("error", resolve));
    const as = request.user ? ` as user ${request.user.name}` : "";
    throw new StartFailure("spawn-failed", `could not start unit ${request.unit}${as}: ${error.message}`);
  }
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  const control = child.stdio[3] as Socket;
  // A wrapper that died before "go" makes the write fail (EPIPE); its exit tells the story.
  control.on("error", () => undefined);
  const status = readAll(control, 64).then(parseLaunchStatus);
  const proceed = (): void => {
    control.write("go\n");
  };
  return { child: child as SpawnedWrapper["child"], output: pipe.output, exited, status, proceed };
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
  return new StartFailure("spawn-failed", `unit ${request.unit} stopped before running its command (${how}): ${said}`);
}
