// The contract of a service's log file ($HOME/admin/logs/services/<name>.log) as supervision uses it.
// file-service-log implements it safely (no symlinks, whole lines, rotation); tests may fake it.
import type { Readable } from "node:stream";
import type { AccountRuntime } from "@vigil/shared";

export interface ServiceLog {
  /** Copies a launched process's output into the log, whole lines only; resolves when the output ends. */
  attach(output: Readable): Promise<void>;
  /** Appends one of Vigil's own lines, timestamped and marked as Vigil's (e.g. "started with pid 42"). */
  note(message: string): void;
  /** The last `lines` lines of the log (across a rotation if needed). */
  tail(lines: number): Promise<string[]>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
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
