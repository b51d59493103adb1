// The contract of a service's log file ($HOME/admin/logs/services/<name>.log) as supervision uses it.
// file-service-log implements it safely (no symlinks, whole lines, rotation); tests may fake it.
import type { Readable } from "node:stream";
import type { AccountRuntime } from "@vigil/shared";

/**
 * Where a reader stands in a service's log: the file (from its inode and birth time, so a position
 * survives the file being rotated to .1, .2, ...) and the byte offset just after the last line read.
 */
export interface LogPosition {
  /** 0: whichever file is current. */
  readonly fileId: number;
  readonly offset: number;
}

/** Lines read, oldest first, and where to read on from. */
export interface LogChunk {
  readonly lines: string[];
  readonly next: LogPosition;
}

/** The last `tail` lines, or up to `maxLines` lines after `from`. */
export type LogRead = { readonly tail: number } | { readonly from: LogPosition; readonly maxLines: number };

/** A log that does not exist (yet): reading on from here starts at the beginning of the current file. */
export const LOG_START: LogPosition = { fileId: 0, offset: 0 };

/** Whether the log can be written now (false after a failed write, e.g. a full disk, until one succeeds). */
export interface LogHealth {
  readonly degraded: boolean;
  /** Lines dropped since the log was opened because they could not be written. */
  readonly droppedLines: number;
}

/** "failed": the first failed write of a series; "recovered": a write succeeded again, after `dropped` lines were lost. */
export type LogHealthChange = { readonly kind: "failed"; readonly error: Error } | { readonly kind: "recovered"; readonly dropped: number };

/** The start of a line that crosses agent runs: read by one run of the agent, completed by the next. */
export interface OutputCarry {
  /** Read by the previous run and not logged: the output continues this line. */
  readonly carried: Buffer | null;
  /** Keeps half a line read when the agent lets go of a running service (its output was closed on purpose). */
  keep(partial: Buffer): void;
}

/** A service's output pipe by name, and this process's descriptor of it (the `output` given to attach). */
export interface NamedOutputPipe {
  readonly path: string;
  readonly fd: number;
}

export interface ServiceLog {
  /**
   * Copies a launched process's output into the log, whole lines only; resolves when the output
   * ends. With `carry`, the output continues the carried line, and an output closed on purpose
   * (ERR_STREAM_PREMATURE_CLOSE) hands its unfinished line to `carry.keep` instead of the log.
   * `pipe` names the FIFO under `output`, for a log whose reader lives in another process (the
   * log keeper): it then closes `output` unread once that reader holds the pipe.
   */
  attach(output: Readable, carry?: OutputCarry, pipe?: NamedOutputPipe): Promise<void>;
  /** Appends one of Vigil's own lines, timestamped and marked as Vigil's (e.g. "started with pid 42"). */
  note(message: string): void;
  /** The last `lines` lines of the log (across a rotation if needed). */
  tail(lines: number): Promise<string[]>;
  /** A tail with the position after it, or lines read on from a position, across rotations (see log-read.ts). */
  read(request: LogRead): Promise<LogChunk>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
  /** Absent: a log that cannot fail (test doubles). */
  health?(): LogHealth;
  /** Tells `listener` when writing starts failing and when it works again. */
  onHealthChange?(listener: (change: LogHealthChange) => void): void;
}

export interface ServiceLogOptions {
  readonly rotateBytes: number;
  readonly keepFiles: number;
}

/** Opening refused because the path is unsafe (a symlink or a directory the user redirected). */
export class LogPathRefused extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
    this.name = "LogPathRefused";
  }
}

export interface ServiceLogFactory {
  /** Opens (creating as needed, owned by the account user) the log of one service; rejects with LogPathRefused. */
  open(account: AccountRuntime, serviceName: string): Promise<ServiceLog>;
}
