// A service's log written by the log keeper: the agent's ServiceLog over the keeper's socket. Bound
// to one keeper connection at a time; after the keeper was replaced it opens the log again.
import { existsSync } from "node:fs";
import type { Readable } from "node:stream";
import type { AccountRuntime } from "@vigil/shared";
import { LogPathRefused, type LogChunk, type LogHealth, type LogHealthChange, type LogRead, type NamedOutputPipe, type OutputCarry, type ServiceLog } from "../service-log.js";
import { type KeeperConnection, KeeperError, KeeperGone } from "./keeper-client.js";
import type { KeeperHealthEvent, KeptLogOptions } from "./keeper-protocol.js";

/** What a log needs of the factory that made it (KeeperLogFactory). */
export interface KeeperLink {
  readonly closed: boolean;
  readonly options: KeptLogOptions;
  connection(): Promise<KeeperConnection>;
  route(connection: KeeperConnection, log: number, to: KeeperServiceLog): void;
  /** The log `id` of `connection` is closed: no more health changes for it. */
  forget(connection: KeeperConnection, id: number): void;
}

export class KeeperServiceLog implements ServiceLog {
  #binding: { readonly connection: KeeperConnection; readonly id: Promise<number> } | null = null;
  #health: LogHealth = { degraded: false, droppedLines: 0 };
  #listener: ((change: LogHealthChange) => void) | undefined;
  #notes: Promise<void> = Promise.resolve();

  constructor(
    private readonly link: KeeperLink,
    private readonly account: AccountRuntime,
    private readonly service: string,
  ) {}

  /** Opens the log in the current keeper (again, after a new keeper started); rejects with LogPathRefused. */
  async bind(): Promise<{ readonly connection: KeeperConnection; readonly id: number }> {
    for (;;) {
      const connection = await this.link.connection();
      if (this.#binding?.connection !== connection) this.#binding = { connection, id: this.#open(connection) };
      try {
        return { connection, id: await this.#binding.id };
      } catch (error) {
        if (!(error instanceof KeeperGone)) throw error;
      }
    }
  }

  async #open(connection: KeeperConnection): Promise<number> {
    try {
      const answer = (await connection.call({ op: "open", account: this.account, service: this.service, options: this.link.options })) as { log: number; health: LogHealth };
      this.#health = answer.health;
      this.link.route(connection, answer.log, this);
      return answer.log;
    } catch (error) {
      if (error instanceof KeeperError && error.refused !== undefined) throw new LogPathRefused(error.refused, error.message);
      throw error;
    }
  }

  /**
   * The keeper reads the pipe by its name (or through this process's descriptor, should the name be
   * gone already); once it holds it, `output` is closed unread. Resolves at the pipe's end of file.
   */
  async attach(output: Readable, _carry?: OutputCarry, pipe?: NamedOutputPipe): Promise<void> {
    if (pipe === undefined) throw new Error("the log keeper reads named output pipes only");
    let opened = false;
    try {
      for (;;) {
        const { connection, id } = await this.bind();
        // Until the keeper holds the pipe, the agent's descriptor keeps it reachable.
        const holder = opened ? undefined : { pid: process.pid, fd: pipe.fd };
        try {
          await connection.call({ op: "attach", log: id, path: pipe.path, ...(holder && { holder }) }, () => {
            opened = true;
            output.destroy();
          });
          return;
        } catch (error) {
          if (this.link.closed) return;
          // The run was released meanwhile: nothing is left to read.
          if (error instanceof KeeperError && !existsSync(pipe.path)) return;
          if (!(error instanceof KeeperGone)) throw error;
        }
      }
    } catch (error) {
      if (this.link.closed) return;
      throw error;
    } finally {
      output.destroy();
    }
  }

  note(message: string): void {
    this.#notes = this.#notes
      .then(async () => {
        const { connection, id } = await this.bind();
        connection.send({ op: "note", log: id, message });
      })
      .catch(() => undefined);
  }

  async tail(lines: number): Promise<string[]> {
    return (await this.read({ tail: lines })).lines;
  }

  async read(request: LogRead): Promise<LogChunk> {
    await this.#notes;
    for (;;) {
      const { connection, id } = await this.bind();
      try {
        return (await connection.call({ op: "read", log: id, request })) as LogChunk;
      } catch (error) {
        if (!(error instanceof KeeperGone)) throw error;
      }
    }
  }

  async close(): Promise<void> {
    await this.#notes;
    const binding = this.#binding;
    this.#binding = null;
    if (binding === null) return;
    const id = await binding.id.catch(() => null);
    if (id === null) return;
    this.link.forget(binding.connection, id);
    if (!binding.connection.gone) await binding.connection.call({ op: "close", log: id }).catch(() => undefined);
  }

  health(): LogHealth {
    return this.#health;
  }

  onHealthChange(listener: (change: LogHealthChange) => void): void {
    this.#listener = listener;
  }

  /** A change the keeper pushed. */
  healthChanged(event: KeeperHealthEvent): void {
    this.#health = event.health;
    const change: LogHealthChange = event.change.kind === "failed" ? { kind: "failed", error: new Error(event.change.error) } : event.change;
    try {
      this.#listener?.(change);
    } catch {
      // A throwing listener must not stop the connection.
    }
  }
}
