// A real pipe for a service's stdout and stderr. Node's stdio "pipe" is a socketpair, where
// `> /dev/stdout` fails (ENXIO) and POSIX's PIPE_BUF atomicity is not promised; a FIFO gives both.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, constants, fchownSync, openSync, rmSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface OutputPipe {
  /** Given to the child as fd 1; the agent closes its copy right after spawning. */
  readonly writeFd: number;
  /** Read without blocking a libuv thread: a net.Socket on the pipe fd uses epoll. */
  readonly output: Readable;
}

/**
 * Node has no pipe(2), so: mkfifo in the agent's private directory, open both ends, unlink it.
 * The read end is opened first (non-blocking), so opening the write end in blocking mode returns at
 * once and the service inherits a blocking stdout.
 */
export async function createOutputPipe(privateDir: string, owner: { readonly uid: number; readonly gid: number } | null): Promise<OutputPipe> {
  const path = join(privateDir, `output-${randomBytes(8).toString("hex")}.fifo`);
  await execFileAsync("mkfifo", ["-m", "600", path]);
  try {
    const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    let writeFd: number;
    try {
      // Reopening /dev/stdout checks the FIFO's own permissions: it must be the service user's.
      if (owner) fchownSync(readFd, owner.uid, owner.gid);
      writeFd = openSync(path, constants.O_WRONLY);
    } catch (error) {
      closeSync(readFd);
      throw error;
    }
    return { writeFd, output: new Socket({ fd: readFd, readable: true, writable: false }) };
  } finally {
    rmSync(path, { force: true });
  }
}
