// One connected agent: its stream, the desired-state revisions sent and acknowledged, and the
// imperative commands awaiting their results (each with a request id and a deadline).
import { randomUUID } from "node:crypto";
import { type ServerDuplexStream } from "@grpc/grpc-js";
import { type AgentMessage, type CommandResult, type CoordinatorMessage } from "@vigil/shared";
import { type AgentAction } from "../control/control-ports.js";
import { ControlError, HostUnavailableError } from "../control/control-errors.js";

interface PendingCommand {
  readonly resolve: (result: CommandResult) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class AgentSession {
  /** Highest revision written to the stream. */
  sentRevision = 0;
  /** Highest revision the agent acknowledged having applied. */
  ackedRevision = 0;
  /** A push of the desired state is waiting for its read (DesiredStatePusher). */
  pushQueued = false;
  #closed = false;
  readonly #pending = new Map<string, PendingCommand>();

  constructor(
    readonly host: string,
    readonly call: ServerDuplexStream<AgentMessage, CoordinatorMessage>,
  ) {}

  get closed(): boolean {
    return this.#closed;
  }

  write(message: CoordinatorMessage): void {
    if (!this.#closed) this.call.write(message);
  }

  command(action: AgentAction, timeoutMs: number): Promise<CommandResult> {
    if (this.#closed) return Promise.reject(new HostUnavailableError(this.host, "command"));
    const requestId = randomUUID();
    return new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new ControlError("deadline-exceeded", `host ${this.host} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(requestId, { resolve, reject, timer });
      this.write({ body: { $case: "command", value: { requestId, deadlineMs: Date.now() + timeoutMs, action } } });
    });
  }

  /** A result nobody waits for any more (late, or for an unknown id) is dropped. */
  resolveCommand(result: CommandResult): void {
    const pending = this.#pending.get(result.requestId);
    if (pending === undefined) return;
    this.#pending.delete(result.requestId);
    clearTimeout(pending.timer);
    pending.resolve(result);
  }

  /** Ends the session; commands still waiting fail with UNAVAILABLE. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new HostUnavailableError(this.host, "command"));
    }
    this.#pending.clear();
    try {
      this.call.end();
    } catch {
      // The stream is already gone; nothing is left to end.
    }
  }
}
