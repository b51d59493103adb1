// The keeper's reader of one service's output FIFO: copies it into the service's log to its end of
// file, or lets go of it on a handover with every byte read either logged or kept in <fifo>.partial.
import { closeSync, constants, fstatSync, openSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import type { FileServiceLog } from "../file-service-log.js";
import { carryBeside, partialPath } from "../partial-carry.js";

/** Opens the FIFO for reading: through the agent's own descriptor when given (its name may be gone by now), else by name. */
export function openFifo(path: string, holder: { readonly pid: number; readonly fd: number } | undefined): { readonly fd: number; readonly inode: string } {
  const candidates = holder === undefined ? [path] : [`/proc/${holder.pid}/fd/${holder.fd}`, path];
  let lastError: unknown = new Error(`${path}: not a FIFO`);
  for (const candidate of candidates) {
    let fd: number;
    try {
      // O_NOFOLLOW on the name: the pipes directory is root's, a link there is nobody's doing.
      fd = openSync(candidate, constants.O_RDONLY | constants.O_NONBLOCK | (candidate === path ? constants.O_NOFOLLOW : 0));
    } catch (error) {
      lastError = error;
      continue;
    }
    const stat = fstatSync(fd);
    if (stat.isFIFO()) {
      signalEndIfWriterless(fd);
      return { fd, inode: `${stat.dev}:${stat.ino}` };
    }
    closeSync(fd);
  }
  throw lastError;
}

/**
 * Linux reports a FIFO's hang-up to a reader only once a writer came and went after the reader
 * opened it (fs/pipe.c, pipe_poll: `f_version != w_counter`): a pipe whose service had already exited
 * would never reach its end of file. A write end opened and closed at once makes that count; a
 * service that still holds its end keeps the pipe open, so it changes nothing then.
 */
function signalEndIfWriterless(fd: number): void {
  closeSync(openSync(`/proc/self/fd/${fd}`, constants.O_WRONLY | constants.O_NONBLOCK));
}

export class FifoReader {
  readonly done: Promise<void>;
  readonly #socket: Socket;
  #kept: Buffer = Buffer.alloc(0);

  constructor(
    readonly inode: string,
    readonly path: string,
    fd: number,
    log: FileServiceLog,
  ) {
    this.#socket = new Socket({ fd, readable: true, writable: false });
    // What a previous reader let go of comes first; what this one lets go of is written by letGo().
    this.done = log.attach(this.#socket, { carried: carryBeside(path).carried, keep: (partial) => (this.#kept = partial) });
  }

  /**
   * Stops reading and keeps what was read and not logged (the half line, and whatever the socket
   * had buffered past it) beside the FIFO for the next reader. Synchronous up to the destroy, so no
   * read can land in between; resolves once the log has the whole lines.
   */
  async letGo(): Promise<void> {
    this.#socket.pause();
    const rest: Buffer[] = [];
    for (let chunk: Buffer | null; (chunk = this.#socket.read() as Buffer | null) !== null; ) rest.push(chunk);
    this.#socket.destroy();
    await this.done.catch(() => undefined);
    const kept = Buffer.concat([this.#kept, ...rest]);
    if (kept.length > 0) writeFileSync(partialPath(this.path), kept, { mode: 0o600 });
  }
}
