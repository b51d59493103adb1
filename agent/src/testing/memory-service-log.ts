// An in-memory ServiceLogFactory for logic tests: keeps every service's output and Vigil's own
// notes as lines, and can be told to refuse a log path as the real one does for a planted symlink.
import type { Readable } from "node:stream";
import type { AccountRuntime } from "@vigil/shared";
import { type LogChunk, LogPathRefused, type LogRead, type ServiceLog, type ServiceLogFactory } from "../logs/service-log.js";

export class MemoryServiceLog implements ServiceLog {
  readonly lines: string[] = [];
  closed = false;

  async attach(output: Readable): Promise<void> {
    let partial = "";
    for await (const chunk of output) {
      const parts = (partial + String(chunk)).split("\n");
      partial = parts.pop() ?? "";
      this.lines.push(...parts);
    }
    if (partial !== "") this.lines.push(partial);
  }

  note(message: string): void {
    this.lines.push(`[vigil] ${message}`);
  }

  /** Vigil's own lines only, without the marker. */
  get notes(): string[] {
    return this.lines.filter((line) => line.startsWith("[vigil] ")).map((line) => line.slice(8));
  }

  async tail(lines: number): Promise<string[]> {
    return this.lines.slice(-lines);
  }

  /** One file that never rotates; offsets count lines rather than bytes. */
  async read(request: LogRead): Promise<LogChunk> {
    if ("tail" in request) return { lines: request.tail <= 0 ? [] : this.lines.slice(-request.tail), next: { fileId: 1, offset: this.lines.length } };
    const lines = this.lines.slice(request.from.offset, request.from.offset + request.maxLines);
    return { lines, next: { fileId: 1, offset: request.from.offset + lines.length } };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class MemoryServiceLogFactory implements ServiceLogFactory {
  readonly logs = new Map<string, MemoryServiceLog>();
  /** Keys ("account/name") whose log path is refused. */
  readonly refused = new Set<string>();

  async open(account: AccountRuntime, serviceName: string): Promise<ServiceLog> {
    const key = `${account.name}/${serviceName}`;
    if (this.refused.has(key)) {
      throw new LogPathRefused(`${account.home}/admin/logs/services/${serviceName}.log`, "admin/logs/services is a symlink");
    }
    const log = this.logs.get(key) ?? new MemoryServiceLog();
    this.logs.set(key, log);
    return log;
  }

  of(key: string): MemoryServiceLog {
    const log = this.logs.get(key);
    if (!log) throw new Error(`no log opened for ${key}`);
    return log;
  }
}
