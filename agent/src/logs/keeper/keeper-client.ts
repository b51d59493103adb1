// The agent's end of one connection to the log keeper: numbered requests, their answers (an attach
// is answered twice), and the health changes the keeper pushes. A lost connection fails every call
// still waiting with KeeperGone, which callers answer by trying again on the next connection.
import { connect, type Socket } from "node:net";
import { type KeeperHealthEvent, type KeeperReply, type KeeperRequest, jsonLines } from "./keeper-protocol.js";

/** The connection ended before the answer came (the keeper died, or the agent is closing). */
export class KeeperGone extends Error {
  constructor(message = "the log keeper connection is gone") {
    super(message);
    this.name = "KeeperGone";
  }
}

/** The keeper answered with an error; `refused`: it refused the log's path (LogPathRefused there). */
export class KeeperError extends Error {
  constructor(
    message: string,
    readonly refused: string | undefined,
  ) {
    super(message);
    this.name = "KeeperError";
  }
}

type Unnumbered<T> = T extends unknown ? Omit<T, "id"> : never;
export type KeeperCall = Unnumbered<KeeperRequest>;

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onOpened?: () => void;
}

export class KeeperConnection {
  readonly #socket: Socket;
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 1;
  #gone = false;
  readonly lost: Promise<void>;
  onHealth: (event: KeeperHealthEvent) => void = () => undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", jsonLines((message) => this.#receive(message as KeeperReply | KeeperHealthEvent), () => socket.destroy()));
    socket.on("error", () => undefined);
    // The keeper ends its side after a handover's answer.
    socket.on("end", () => socket.destroy());
    this.lost = new Promise((resolve) =>
      socket.once("close", () => {
        this.#gone = true;
        for (const waiting of this.#waiting.values()) waiting.reject(new KeeperGone());
        this.#waiting.clear();
        resolve();
      }),
    );
  }

  static open(path: string): Promise<KeeperConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new KeeperConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  get gone(): boolean {
    return this.#gone;
  }

  /** `onOpened`: for an attach, told when the keeper holds the pipe; the call resolves at its end. */
  call(request: KeeperCall, onOpened?: () => void): Promise<unknown> {
    if (this.#gone) return Promise.reject(new KeeperGone());
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject, ...(onOpened && { onOpened }) });
      this.#socket.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }

  /** A request with no answer (a note); dropped when the connection is gone. */
  send(request: KeeperCall): void {
    if (!this.#gone) this.#socket.write(`${JSON.stringify({ ...request, id: 0 })}\n`);
  }

  close(): void {
    this.#socket.destroy();
  }

  #receive(message: KeeperReply | KeeperHealthEvent): void {
    if ("event" in message) {
      this.onHealth(message);
      return;
    }
    const waiting = this.#waiting.get(message.id);
    if (waiting === undefined) return;
    if (message.ok && message.value === "opened" && waiting.onOpened) {
      waiting.onOpened();
      return;
    }
    this.#waiting.delete(message.id);
    if (message.ok) waiting.resolve(message.value);
    else waiting.reject(new KeeperError(message.error, message.refused));
  }
}
