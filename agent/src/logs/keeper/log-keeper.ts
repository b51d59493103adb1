// The host's log keeper (`vigil log-keeper`): reads every service's output FIFO into its log file,
// apart from the agent, so that a kill -9 or an upgrade of the agent loses no byte in flight.
// One per agent state directory; it exits once no agent is connected and no FIFO is left to read.
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { lockStateDir } from "../../system/state-dir-lock.js";
import { LOG_NOT_WRITTEN, throttleLogErrors } from "../log-error-reports.js";
import { serveConnection } from "./keeper-connection.js";
import { KeptLogs } from "./kept-logs.js";
import { LOG_KEEPER_PROTOCOL, logKeeperDir, logKeeperSocket, outputPipesDir } from "./keeper-protocol.js";

export interface LogKeeperOptions {
  /** The agent's state directory. */
  readonly stateDir: string;
  /** Default LOG_KEEPER_PROTOCOL; another value stands for an older or newer build (tests of an upgrade). */
  readonly protocol?: number;
  /** How long the keeper waits, idle (no agent, no FIFO), before it exits. Default 2 s. */
  readonly idleExitMs?: number;
  /** The keeper's own messages (its stderr, a file beside the socket). */
  readonly log: (message: string) => void;
  /** Aborted (SIGTERM): the keeper lets go of every pipe as in a handover and exits; the agent starts another. */
  readonly stop?: AbortSignal;
}

/** Resolves when the keeper has stopped: idle, or after handing over. Rejects (StateDirLocked) when another keeper runs. */
export async function runLogKeeper(options: LogKeeperOptions): Promise<"idle" | "handed-over"> {
  const dir = logKeeperDir(options.stateDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const lock = lockStateDir(dir, "vigil log-keeper");
  const socketPath = logKeeperSocket(options.stateDir);
  rmSync(socketPath, { force: true });
  let released = false;
  const releaseAll = () => {
    if (released) return;
    released = true;
    rmSync(socketPath, { force: true });
    lock.release();
  };
  const connections = new Set<Socket>();
  let idleTimer: NodeJS.Timeout | undefined;
  let finish: (how: "idle" | "handed-over") => void = () => undefined;
  const finished = new Promise<"idle" | "handed-over">((resolve) => (finish = resolve));
  const onError = (error: unknown) => options.log(`error: ${error instanceof Error ? error.message : String(error)}`);
  const checkIdle = () => {
    clearTimeout(idleTimer);
    if (connections.size > 0 || logs.readers > 0) return;
    idleTimer = setTimeout(() => {
      if (connections.size === 0 && logs.readers === 0) finish("idle");
    }, options.idleExitMs ?? 2_000);
  };
  const logWriteFailed = throttleLogErrors((error, path) => options.log(`${path}: ${error.message}: ${LOG_NOT_WRITTEN}`));
  const logs = new KeptLogs(outputPipesDir(options.stateDir), logWriteFailed, checkIdle);
  const server = createServer((socket) => {
    connections.add(socket);
    clearTimeout(idleTimer);
    serveConnection(socket, { logs, protocol: options.protocol ?? LOG_KEEPER_PROTOCOL, handOver, onError }, () => {
      connections.delete(socket);
      checkIdle();
    });
  });
  let handingOver: Promise<void> | undefined;
  // Asked for by an agent, or by SIGTERM: once.
  const handOver = () => (handingOver ??= handOverNow());
  async function handOverNow(): Promise<void> {
    server.close();
    await logs.handOver();
    options.log("handed over: every pipe let go, its half line kept beside it");
    // Before the answer goes out: the next keeper may start the moment the agent reads it.
    releaseAll();
    setImmediate(() => finish("handed-over"));
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => resolve());
    });
    // Only root (the agent's user) may connect: the directory is 0700, the socket 0600.
    chmodSync(socketPath, 0o600);
    options.log(`listening on ${socketPath} (protocol ${options.protocol ?? LOG_KEEPER_PROTOCOL})`);
    checkIdle();
    options.stop?.addEventListener("abort", () => void handOver().catch(onError), { once: true });
    const how = await finished;
    server.close();
    // end(), not destroy(): the handover's answer is still to be flushed.
    for (const socket of connections) socket.end();
    return how;
  } finally {
    releaseAll();
  }
}
