// An EventPublisher that sends status events on the agent's AgentLink stream (embedded mode) and
// resolves when the coordinator acks the commit; the outbox keeps and resends what was not acked.
import { type EventAck, type EventPublish, type EventPublisher } from "@vigil/shared";

/** The part of the link the publisher writes to: false when no stream is open now. */
export interface EventLinkPort {
  sendEvent(event: EventPublish): boolean;
  /** A stream is open and welcomed. */
  readonly connected: boolean;
}

interface Pending {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export const LINK_EVENT_ACK_TIMEOUT_MS = 15_000;

export class LinkEventPublisher implements EventPublisher {
  #port: EventLinkPort | undefined;
  readonly #pending = new Map<string, Pending>();
  readonly #ackTimeoutMs: number;

  constructor(options: { readonly ackTimeoutMs?: number } = {}) {
    this.#ackTimeoutMs = options.ackTimeoutMs ?? LINK_EVENT_ACK_TIMEOUT_MS;
  }

  /** Telemetry (heartbeats, metrics) is dropped rather than sent while this is false. */
  get connected(): boolean {
    return this.#port?.connected ?? false;
  }

  /** The link is made after the outbox that publishes through it; until then publishing fails (and is retried). */
  attach(port: EventLinkPort): void {
    this.#port = port;
  }

  publish(subject: string, messageId: string, data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#settle(messageId, new Error("superseded by a resend"));
      if (this.#port === undefined || !this.#port.sendEvent({ subject, messageId, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) })) {
        reject(new Error("the coordinator link is not connected"));
        return;
      }
      const timer = setTimeout(() => this.#settle(messageId, new Error(`no ack from the coordinator within ${this.#ackTimeoutMs} ms`)), this.#ackTimeoutMs);
      timer.unref();
      this.#pending.set(messageId, { resolve, reject, timer });
    });
  }

  /** Called by the link for every EventAck. */
  acked(ack: EventAck): void {
    this.#settle(ack.messageId, ack.ok ? null : new Error(ack.errorMessage || "refused by the coordinator"));
  }

  /** Called by the link when its stream ends: nothing in flight will be acked on it. */
  disconnected(): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, new Error("the coordinator link closed before the ack"));
  }

  async close(): Promise<void> {
    this.disconnected();
  }

  #settle(messageId: string, error: Error | null): void {
    const pending = this.#pending.get(messageId);
    if (pending === undefined) return;
    this.#pending.delete(messageId);
    clearTimeout(pending.timer);
    if (error === null) pending.resolve();
    else pending.reject(error);
  }
}
