// The durable status-event transport as the agent and the coordinator see it (DESIGN.md "Transports").
// NATS JetStream implements it in distributed mode, InProcessBus in embedded mode; both keep these promises.
import type { BusNames } from "./subjects.js";

/** One message handed to a consumer's handler. */
export interface BusDelivery {
  readonly subject: string;
  /** The publisher's message id: stable across resends, so handlers can be idempotent on it. */
  readonly messageId: string;
  readonly data: Uint8Array;
  /** True when an earlier delivery of this message was not acked (handler failed, consumer died). */
  readonly redelivered: boolean;
  /** 1 for the first delivery, then 2, 3... */
  readonly attempt: number;
}

/**
 * Handles one delivery. The message is acked only after the returned promise resolves; a throw or a
 * rejection gets it redelivered after the consumer's redelivery delay. Later messages may be delivered
 * meanwhile, so a handler must be idempotent under redelivery and tolerate a redelivered message
 * arriving after newer ones (ServiceEvent.sequence tells the order).
 */
export type BusHandler = (delivery: BusDelivery) => Promise<void>;

/**
 * The bus answered and refused this one message (too large for the server, rejected by the stream): sending
 * the same bytes again will not help, unlike an unreachable bus. The outbox sets such a record aside after a
 * few refusals instead of letting it block every later event.
 */
export class PublishRefusedError extends Error {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = "PublishRefusedError";
  }
}

export interface EventPublisher {
  /**
   * Resolves once the bus durably accepted the message: a JetStream PubAck, or in embedded mode the
   * consumer's commit. A message id seen within the duplicate window is accepted again but stored once.
   * Rejects when the bus is unreachable; the caller (the agent's outbox) retries with the same id.
   * Rejects with PublishRefusedError when the bus refused this message itself.
   */
  publish(subject: string, messageId: string, data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** A running consumer; messages not yet acked stay on the bus for the next consumer. */
export interface EventConsumer {
  /** Stops fetching, waits for the handler in progress, acks what it completed, and disconnects. */
  close(): Promise<void>;
}

/** Where a consumer attaches: the durable consumer of the events stream, or the in-process queue. */
export interface EventSource {
  /** Starts delivering every message not yet acked to `handler`, one at a time, in publish order. */
  consume(handler: BusHandler): Promise<EventConsumer>;
  /**
   * Set by sources anyone on the network can publish to (NATS): the coordinator then checks each
   * event's authority (subject host, body host, placement) before recording it.
   */
  readonly untrustedNames?: BusNames;
}

/** Both sides in one object, as the embedded mode has it. */
export interface EventBus extends EventPublisher, EventSource {}
