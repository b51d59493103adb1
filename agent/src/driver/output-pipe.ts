// A real pipe for a service's stdout and stderr. Node's stdio "pipe" is a socketpair, where
// `> /dev/stdout` fails (ENXIO) and POSIX's PIPE_BUF atomicity is not promised; a FIFO gives both.
// The FIFO keeps a name in the agent's private directory for as long as the service runs, so that
// a restarted agent can open it again and read on where its previous run stopped.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, constants, fchownSync, openSync, renameSync, rmSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { Socket } from "node:net";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface OutputPipe {
  /**
   * Given to the child as fd 1; the agent closes its copy right after spawning. Opened read-write:
   * the service itself then always holds a reader, so an agent that dies never makes its writes fail
   * (EPIPE, SIGPIPE); with nobody reading, a full pipe only makes the writer wait for the next agent.
   */
  readonly writeFd: number;
  /**
   * Read without blocking a libuv thread: a net.Socket on the pipe fd uses epoll. It reads nothing
   * until asked to, so a reader elsewhere (the log keeper) can take over the pipe with no byte lost.
   */
  readonly output: Readable;
  /** The descriptor under `output`, for a reader elsewhere to open the pipe through /proc/<pid>/fd. */
  readonly readFd: number;
}

/** FIFOs made per mkfifo process: a launch then costs one process less (measured in bench/: 3-9 ms each on a loaded host). */
const FIFO_BATCH = 16;

/**
 * FIFOs made ahead of need in the agent's private directory, in batches, by one mkfifo process per
 * batch and off the launch's critical path. One pool per directory in this process, so two drivers
 * on one state directory (a test's "next agent run") share it instead of deleting each other's.
 */
class FifoPool {
  #ready: string[] = [];
  #filling: Promise<void> | null = null;
  #swept = false;

  constructor(private readonly dir: string) {}

  async take(): Promise<string> {
    while (this.#ready.length === 0) await this.#fill();
    const path = this.#ready.pop()!;
    // Top up in the background; a failure here shows again, to a caller, on the next empty take().
    if (this.#ready.length < FIFO_BATCH / 2) this.#fill().catch(() => undefined);
    return path;
  }

  #fill(): Promise<void> {
    this.#filling ??= (async () => {
      // FIFOs a previous (crashed) run of this agent left unused: nobody else writes in this directory.
      if (!this.#swept) {
        this.#swept = true;
        for (const name of await readdir(this.dir)) if (/^output-[0-9a-f]{16}\.fifo$/.test(name)) rmSync(join(this.dir, name), { force: true });
      }
      const paths = Array.from({ length: FIFO_BATCH }, () => join(this.dir, `output-${randomBytes(8).toString("hex")}.fifo`));
      await execFileAsync("mkfifo", ["-m", "600", "--", ...paths]);
      this.#ready.push(...paths);
    })().finally(() => (this.#filling = null));
    return this.#filling;
  }
}

const pools = new Map<string, FifoPool>();

/**
 * Node has no pipe(2), so: a FIFO from the agent's private directory, open both ends, then give it
 * the name `keepAs` (a later agent run reopens it by that name) or unlink it. The read end is opened
 * first (non-blocking); the service's end is a blocking read-write descriptor.
 */
export async function createOutputPipe(privateDir: string, owner: { readonly uid: number; readonly gid: number } | null, keepAs?: string): Promise<OutputPipe> {
  let pool = pools.get(privateDir);
  if (!pool) pools.set(privateDir, (pool = new FifoPool(privateDir)));
  const path = await pool.take();
  try {
    const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    let writeFd: number;
    try {
      // Reopening /dev/stdout checks the FIFO's own permissions: it must be the service user's.
      if (owner) fchownSync(readFd, owner.uid, owner.gid);
      writeFd = openSync(path, constants.O_RDWR);
      if (keepAs !== undefined) renameSync(path, keepAs);
    } catch (error) {
      closeSync(readFd);
      throw error;
    }
    return { writeFd, output: readerOn(readFd), readFd };
  } finally {
    rmSync(path, { force: true });
  }
}

/** Opens a kept FIFO again (a previous agent run's service); throws when it is gone. */
export function reopenOutputPipe(path: string): { readonly output: Readable; readonly fd: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  return { output: readerOn(fd), fd };
}

/**
 * manualStart: a net.Socket made on a descriptor starts reading at once (lib/net.js reads ahead
 * into its buffer); this one waits for its first read, so destroying an unread one loses no byte.
 */
function readerOn(fd: number): Readable {
  return new Socket({ fd, readable: true, writable: false, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
}
