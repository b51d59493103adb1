// One service's log file: whole lines from the process and from Vigil, written in batches by a
// single writer, rotated by size between lines, tailed backwards and read forwards across rotations.
import { write } from "node:fs";
import { promisify } from "node:util";
import type { Readable } from "node:stream";
import { LineSplitter } from "./line-splitter.js";
import { rotateFiles } from "./log-rotation.js";
import type { OpenLogDirectory } from "./log-directory.js";
import { closeGenerations, openGenerations } from "./log-generations.js";
import { readGenerations } from "./log-read.js";
import { tailGenerations } from "./log-tail.js";
import { closeQuietly, openAppendFile } from "./safe-open.js";
import { LOG_START, type OutputCarry, type LogChunk, type LogHealth, type LogHealthChange, type LogRead, type ServiceLog } from "./service-log.js";
import { formatVigilLine, linesDroppedLine } from "./vigil-line.js";
import type { CompiledFileServiceLogOptions } from "./file-service-log-options.js";

const writeAsync = promisify(write);
/** One write(2) carries up to this much: many lines per call, few calls under a flood. */
const BATCH_BYTES = 1024 * 1024;
/** attach() stops reading the pipe while this much waits, so a flood blocks the writer, not memory. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** One read answer stays far below AgentLink's 4 MiB message limit. */
const READ_MAX_BYTES = 1024 * 1024;

export class FileServiceLog implements ServiceLog {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private pumping = false;
  private idleWaiters: (() => void)[] = [];
  /** Bytes ever enqueued, and ever taken through a write attempt: a reader waits for its share only. */
  private enqueuedTotal = 0;
  private writtenTotal = 0;
  private flushWaiters: { readonly upTo: number; readonly resolve: () => void }[] = [];
  private closed = false;
  private degraded = false;
  private droppedLines = 0;
  private droppedInSeries = 0;
  private healthListener: ((change: LogHealthChange) => void) | undefined;

  constructor(
    private readonly directory: OpenLogDirectory,
    private readonly fileName: string,
    private fd: number,
    private size: number,
    private readonly options: CompiledFileServiceLogOptions,
  ) {}

  /** Path of the current file, for messages. */
  get path(): string {
    return `${this.directory.path}/${this.fileName}`;
  }

  async attach(output: Readable, carry?: OutputCarry): Promise<void> {
    const splitter = new LineSplitter(this.options.maxLineBytes);
    // Read once: a carry hands its bytes to the first reader that asks (see partial-carry.ts).
    const carriedBytes = carry?.carried ?? null;
    const carried = carriedBytes ? splitter.push(carriedBytes) : null;
    if (carried) this.enqueue(carried);
    let letGo = false;
    try {
      for await (const chunk of output) {
        const lines = splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
        if (lines) this.enqueue(lines);
        if (this.queuedBytes > HIGH_WATER_BYTES) await this.idle();
      }
    } catch (error) {
      if (carry === undefined || (error as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") throw error;
      letGo = true;
    } finally {
      if (letGo) {
        // The service runs on: the rest of this line is still to come, to the next agent run.
        const partial = splitter.takePartial();
        if (partial.length > 0) carry?.keep(partial);
      } else {
        const last = splitter.end();
        if (last) this.enqueue(last);
      }
      await this.idle();
    }
  }

  note(message: string): void {
    this.enqueue(Buffer.from(formatVigilLine(message, this.options.now())));
  }

  async tail(lines: number): Promise<string[]> {
    return (await this.read({ tail: lines })).lines;
  }

  /** Lines queued before the call are in the answer; lines written meanwhile may be too, never twice. */
  async read(request: LogRead): Promise<LogChunk> {
    await this.flushed();
    if (this.closed) return { lines: [], next: "from" in request ? request.from : LOG_START };
    const generations = openGenerations(this.directory, this.fileName, this.options.keepFiles);
    try {
      if ("tail" in request) return await tailGenerations(generations, request.tail);
      const lost = formatVigilLine(`lines were lost to log rotation (more than ${this.options.keepFiles} rotated files behind)`, this.options.now()).trimEnd();
      return await readGenerations(generations, request.from, { maxLines: request.maxLines, maxBytes: READ_MAX_BYTES }, lost);
    } finally {
      closeGenerations(generations);
    }
  }

  health(): LogHealth {
    return { degraded: this.degraded, droppedLines: this.droppedLines };
  }

  onHealthChange(listener: (change: LogHealthChange) => void): void {
    this.healthListener = listener;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.idle();
    this.closed = true;
    closeQuietly(this.fd);
    closeQuietly(this.directory.fd);
  }

  /** Whole lines only reach the queue, so a note can never land inside a process line. */
  private enqueue(lines: Buffer): void {
    if (this.closed) return;
    this.queue.push(lines);
    this.queuedBytes += lines.length;
    this.enqueuedTotal += lines.length;
    if (!this.pumping) void this.pump();
  }

  /** What was enqueued so far has been written; unlike idle(), a steady flood cannot hold it back. */
  private flushed(): Promise<void> {
    const upTo = this.enqueuedTotal;
    if (this.writtenTotal >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push({ upTo, resolve }));
  }

  private idle(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      try {
        if (this.degraded) {
          // The first write after a failure says what was lost, before the lines that follow it.
          await this.writeLines(Buffer.from(formatVigilLine(linesDroppedLine(this.droppedInSeries), this.options.now())));
          this.recovered();
        }
        await this.writeLines(batch);
      } catch (error) {
        // The service must keep running with its pipe drained: report, drop this batch, count its lines, go on.
        this.failed(error as Error, batch);
      }
      this.writtenTotal += batch.length;
      this.releaseFlushWaiters();
    }
    this.pumping = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private failed(error: Error, batch: Buffer): void {
    let lines = 0;
    for (let at = batch.indexOf(0x0a); at !== -1; at = batch.indexOf(0x0a, at + 1)) lines += 1;
    this.droppedLines += lines;
    this.droppedInSeries += lines;
    this.options.onError(error, this.path);
    if (this.degraded) return;
    this.degraded = true;
    this.tell({ kind: "failed", error });
  }

  private recovered(): void {
    const dropped = this.droppedInSeries;
    this.degraded = false;
    this.droppedInSeries = 0;
    this.tell({ kind: "recovered", dropped });
  }

  /** A throwing listener must not stop the writer. */
  private tell(change: LogHealthChange): void {
    try {
      this.healthListener?.(change);
    } catch {
      // ignored on purpose
    }
  }

  private releaseFlushWaiters(): void {
    const waiting = this.flushWaiters;
    this.flushWaiters = waiting.filter((waiter) => waiter.upTo > this.writtenTotal);
    for (const waiter of waiting) if (waiter.upTo <= this.writtenTotal) waiter.resolve();
  }

  private takeBatch(): Buffer {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && (count === 0 || bytes + (this.queue[count]?.length ?? 0) <= BATCH_BYTES)) {
      bytes += this.queue[count]?.length ?? 0;
      count += 1;
    }
    const taken = this.queue.splice(0, count);
    this.queuedBytes -= bytes;
    return taken.length === 1 && taken[0] ? taken[0] : Buffer.concat(taken, bytes);
  }

  /** Writes whole lines, rotating first when the next whole lines would not fit. */
  private async writeLines(batch: Buffer): Promise<void> {
    let offset = 0;
    while (offset < batch.length) {
      const room = this.options.rotateBytes - this.size;
      let end = batch.length;
      if (end - offset > room) {
        const lastFitting = room > 0 ? batch.lastIndexOf(0x0a, offset + room - 1) : -1;
        if (lastFitting >= offset) end = lastFitting + 1;
        else if (this.size > 0) {
          this.rotate();
          continue;
        } else end = batch.indexOf(0x0a, offset) + 1; // One line longer than a whole file: it goes in whole.
      }
      await this.writeAll(batch.subarray(offset, end));
      offset = end;
    }
  }

  private async writeAll(data: Buffer): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await writeAsync(this.fd, data, written, data.length - written);
      written += bytesWritten;
      this.size += bytesWritten;
    }
  }

  /**
   * When rotation fails (the user put a directory or a symlink in the way), the lines go on into the
   * file still open, renamed or not: none is lost, the error is reported, and the next attempt
   * comes after another rotateBytes.
   */
  private rotate(): void {
    try {
      rotateFiles(this.directory.fd, this.fileName, this.options.keepFiles);
      const next = openAppendFile(this.directory.fd, this.fileName, this.path, this.directory.owner);
      closeQuietly(this.fd);
      this.fd = next;
    } catch (error) {
      this.options.onError(error as Error, this.path);
    }
    this.size = 0;
  }
}
