// The agent's service logs when the host's log keeper writes them: finds the keeper (or starts it),
// replaces a keeper of another protocol (an upgrade) after it handed over, and starts it again
// should it die; each log then opens itself in the new keeper and its readers attach again.
import type { AccountRuntime } from "@vigil/shared";
import type { ServiceLogFactory } from "../service-log.js";
import { KeeperConnection, KeeperGone } from "./keeper-client.js";
import { type HelloAnswer, LOG_KEEPER_PROTOCOL, logKeeperSocket, type KeptLogOptions } from "./keeper-protocol.js";
import { type KeeperLink, KeeperServiceLog } from "./keeper-service-log.js";

export interface KeeperLogFactoryOptions {
  /** The agent's state directory (the keeper's socket is in it). */
  readonly stateDir: string;
  readonly options: KeptLogOptions;
  /** Starts a keeper process on the state directory, detached (a second one exits at once); resolves when it exits. */
  readonly startKeeper: () => Promise<void>;
  /** Default LOG_KEEPER_PROTOCOL. */
  readonly protocol?: number;
  /** How long to wait for a keeper to answer before calls fail. Default 30 s. */
  readonly answerTimeoutMs?: number;
  /** What happened to the keeper, for the agent's log. */
  readonly report: (message: string) => void;
}

export class KeeperLogFactory implements ServiceLogFactory, KeeperLink {
  readonly #options: KeeperLogFactoryOptions;
  #current: Promise<KeeperConnection> | null = null;
  #routes = new WeakMap<KeeperConnection, Map<number, KeeperServiceLog>>();
  #closed = false;

  constructor(options: KeeperLogFactoryOptions) {
    this.#options = options;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get options(): KeptLogOptions {
    return this.#options.options;
  }

  /** Connects now (starting the keeper if need be), so that a keeper that cannot start fails the agent's start. */
  async start(): Promise<{ readonly pid: number }> {
    const connection = await this.connection();
    return (await connection.call({ op: "hello" })) as HelloAnswer;
  }

  async open(account: AccountRuntime, serviceName: string): Promise<KeeperServiceLog> {
    const log = new KeeperServiceLog(this, account, serviceName);
    await log.bind();
    return log;
  }

  connection(): Promise<KeeperConnection> {
    if (this.#closed) return Promise.reject(new KeeperGone("the agent closed its log keeper connection"));
    this.#current ??= this.#establish();
    return this.#current;
  }

  route(connection: KeeperConnection, id: number, to: KeeperServiceLog): void {
    let routes = this.#routes.get(connection);
    if (routes === undefined) this.#routes.set(connection, (routes = new Map()));
    routes.set(id, to);
  }

  forget(connection: KeeperConnection, id: number): void {
    this.#routes.get(connection)?.delete(id);
  }

  /** The agent exits: its connection closes, the keeper reads on. */
  async close(): Promise<void> {
    this.#closed = true;
    const current = this.#current;
    this.#current = null;
    (await current?.catch(() => null))?.close();
  }

  async #establish(): Promise<KeeperConnection> {
    const socket = logKeeperSocket(this.#options.stateDir);
    const protocol = this.#options.protocol ?? LOG_KEEPER_PROTOCOL;
    const deadline = Date.now() + (this.#options.answerTimeoutMs ?? 30_000);
    // A keeper just started may take seconds to listen (tsx, a loaded host): another starts only once it exited.
    let starting: Promise<void> | null = null;
    for (;;) {
      if (this.#closed) throw new KeeperGone("the agent closed its log keeper connection");
      let connection: KeeperConnection | undefined;
      try {
        connection = await KeeperConnection.open(socket);
        const hello = (await connection.call({ op: "hello" })) as HelloAnswer;
        if (hello.protocol === protocol) return this.#adopt(connection, hello);
        this.#options.report(`the log keeper (pid ${hello.pid}) speaks protocol ${hello.protocol}, this agent ${protocol}: it hands over to a new one`);
        await connection.call({ op: "handover" });
        connection.close();
        continue;
      } catch (error) {
        connection?.close();
        if (Date.now() > deadline) {
          this.#current = null;
          throw new Error(`the log keeper did not answer on ${socket}: ${(error as Error).message}`);
        }
      }
      if (starting === null) {
        starting = this.#options
          .startKeeper()
          .catch(() => undefined)
          .finally(() => (starting = null));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  #adopt(connection: KeeperConnection, hello: HelloAnswer): KeeperConnection {
    connection.onHealth = (event) => this.#routes.get(connection)?.get(event.log)?.healthChanged(event);
    this.#options.report(`log keeper pid ${hello.pid} writes the service logs`);
    void connection.lost.then(() => {
      if (this.#closed) return;
      this.#options.report("the log keeper connection was lost; starting the keeper again (its readers attach again)");
      this.#current = null;
      // At once, not at the next call: the pipes are read again even if no log is used meanwhile.
      this.connection().catch((error: unknown) => this.#options.report(`the log keeper could not be started again: ${(error as Error).message}`));
    });
    return connection;
  }
}
