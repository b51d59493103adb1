// The keeper's open service logs and FIFO readers. A log stays open while an agent connection holds
// it or a reader writes into it; a FIFO has one reader however often it is attached (by inode).
import { closeSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { AccountRuntime } from "@vigil/shared";
import { FileServiceLogFactory } from "../file-service-log-factory.js";
import type { FileServiceLog } from "../file-service-log.js";
import type { LogHealthChange } from "../service-log.js";
import { FifoReader, openFifo } from "./fifo-reader.js";
import type { KeptLogOptions } from "./keeper-protocol.js";

export class KeptLog {
  handles = 0;
  readonly readers = new Set<FifoReader>();
  readonly watchers = new Set<(change: LogHealthChange) => void>();

  constructor(
    readonly key: string,
    readonly log: FileServiceLog,
  ) {
    log.onHealthChange((change) => {
      for (const watcher of this.watchers) watcher(change);
    });
  }
}

export class KeptLogs {
  readonly #logs = new Map<string, KeptLog>();
  readonly #readers = new Map<string, FifoReader>();
  readonly #factories = new Map<string, FileServiceLogFactory>();
  #closing = false;

  constructor(
    private readonly pipesDir: string,
    private readonly onError: (error: Error, path: string) => void,
    /** Told whenever the last reader ended. */
    private readonly onIdle: () => void,
  ) {}

  get readers(): number {
    return this.#readers.size;
  }

  /** The service's log, shared with whoever has it open already (one writer per file). */
  async open(account: AccountRuntime, service: string, options: KeptLogOptions): Promise<KeptLog> {
    const key = JSON.stringify([account.name, account.uid, account.home, service]);
    let kept = this.#logs.get(key);
    if (kept === undefined) {
      const log = await this.#factory(options).open(account, service);
      // Another open may have finished first while this one waited.
      kept = this.#logs.get(key);
      if (kept === undefined) this.#logs.set(key, (kept = new KeptLog(key, log)));
      else await log.close();
    }
    kept.handles += 1;
    return kept;
  }

  async release(kept: KeptLog): Promise<void> {
    kept.handles -= 1;
    await this.#closeIfUnused(kept);
  }

  /**
   * Reads the FIFO into the log until its end of file; resolves then. A FIFO already read (an agent
   * run's attach after its predecessor's, same pipe) only waits for the end of that reading.
   */
  attach(kept: KeptLog, path: string, holder: { readonly pid: number; readonly fd: number } | undefined): { readonly opened: true; readonly ended: Promise<void> } {
    if (this.#closing) throw new Error("the log keeper is handing over");
    // Agent input, and root opens it: only a FIFO in the driver's pipes directory.
    if (dirname(path) !== this.pipesDir || !basename(path).endsWith(".fifo")) throw new Error(`refusing to read ${path}: not an output pipe of this agent`);
    const { fd, inode } = openFifo(path, holder);
    const reading = this.#readers.get(inode);
    if (reading !== undefined) {
      closeSync(fd);
      return { opened: true, ended: reading.done };
    }
    const reader = new FifoReader(inode, path, fd, kept.log);
    this.#readers.set(inode, reader);
    kept.readers.add(reader);
    void reader.done
      .catch((error: unknown) => this.onError(error as Error, path))
      .finally(async () => {
        this.#readers.delete(inode);
        kept.readers.delete(reader);
        await this.#closeIfUnused(kept);
        if (this.#readers.size === 0) this.onIdle();
      });
    return { opened: true, ended: reader.done };
  }

  /** Lets go of every FIFO (their data stays in the pipes for the next keeper) and closes every log. */
  async handOver(): Promise<void> {
    this.#closing = true;
    await Promise.all([...this.#readers.values()].map((reader) => reader.letGo()));
    await Promise.all([...this.#logs.values()].map(async (kept) => kept.log.close()));
    this.#logs.clear();
  }

  async #closeIfUnused(kept: KeptLog): Promise<void> {
    if (kept.handles > 0 || kept.readers.size > 0 || this.#logs.get(kept.key) !== kept) return;
    this.#logs.delete(kept.key);
    await kept.log.close();
  }

  #factory(options: KeptLogOptions): FileServiceLogFactory {
    const key = `${options.rotateBytes}/${options.keepFiles}`;
    let factory = this.#factories.get(key);
    if (factory === undefined) this.#factories.set(key, (factory = new FileServiceLogFactory({ ...options, onError: this.onError })));
    return factory;
  }
}
