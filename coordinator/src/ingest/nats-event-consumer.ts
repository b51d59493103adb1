// The coordinator's side of the events transport in distributed mode: a durable pull consumer on the
// events stream that hands messages to the caller's handler without waiting for the previous one (up
// to `prefetch` at a time, so a batching handler gets whole batches) and acks each only after its
// handler resolved.
import { jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { type BusDelivery, type BusHandler, type BusNames, DEFAULT_EVENT_CONSUMER_OPTIONS, DEFAULT_EVENT_STREAM_OPTIONS, type EventConsumer, type EventConsumerOptions, type EventSource, type EventStreamOptions } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { ensureEventConsumer, ensureEventStream } from "./event-stream-setup.js";

export interface NatsEventSourceOptions {
  readonly servers: string | readonly string[];
  readonly names: BusNames;
  readonly stream?: EventStreamOptions;
  readonly consumer?: EventConsumerOptions;
  /** Delay of the nak after a failed handler, before JetStream redelivers (default 2 s). */
  readonly redeliveryDelayMs?: number;
  /** Messages fetched ahead and handed to the handler at once, unacked (default 1,000; at most the consumer's max_ack_pending). */
  readonly prefetch?: number;
  readonly onHandlerError?: (error: unknown, delivery: BusDelivery) => void;
  readonly name?: string;
  /** Where a stopped consumer and (by default) a failed handler are reported; default: the process's stderr logger. */
  readonly logger?: Logger;
  /** The coordinator's NATS user (see natsAuthorizationConfig). */
  readonly credentials?: { readonly user: string; readonly pass: string };
}

export class NatsEventSource implements EventSource {
  constructor(private readonly options: NatsEventSourceOptions) {}

  get untrustedNames(): BusNames {
    return this.options.names;
  }

  /** Connects (rejecting if NATS is unreachable now), ensures stream and consumer, and starts delivering. */
  async consume(handler: BusHandler): Promise<EventConsumer> {
    const { names } = this.options;
    const consumerOptions = this.options.consumer ?? DEFAULT_EVENT_CONSUMER_OPTIONS;
    const connection = await connect({
      servers: typeof this.options.servers === "string" ? this.options.servers : [...this.options.servers],
      name: this.options.name ?? "vigil-coordinator",
      ...this.options.credentials,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    });
    try {
      const jsm = await jetstreamManager(connection);
      await ensureEventStream(jsm, names, this.options.stream ?? DEFAULT_EVENT_STREAM_OPTIONS);
      await ensureEventConsumer(jsm, names, consumerOptions);
      const consumer = await jetstream(connection).consumers.get(names.stream, names.durableConsumer);
      const prefetch = Math.min(this.options.prefetch ?? DEFAULT_PREFETCH, consumerOptions.maxAckPending);
      const messages = await consumer.consume({ max_messages: prefetch });
      return new NatsEventConsumer(connection, messages, handler, {
        maxInFlight: prefetch,
        ackWaitMs: consumerOptions.ackWaitMs,
        redeliveryDelayMs: this.options.redeliveryDelayMs ?? 2_000,
        onHandlerError: this.options.onHandlerError ?? logHandlerError(this.options.logger ?? defaultLogger()),
        logger: this.options.logger ?? defaultLogger(),
      });
    } catch (error) {
      await connection.close();
      throw error;
    }
  }
}

const HANDBACK_DELAY_MS = 1_000;
const DEFAULT_PREFETCH = 1_000;

interface RunOptions {
  readonly maxInFlight: number;
  readonly ackWaitMs: number;
  readonly redeliveryDelayMs: number;
  readonly onHandlerError: (error: unknown, delivery: BusDelivery) => void;
  readonly logger: Logger;
}

class NatsEventConsumer implements EventConsumer {
  #stopping = false;
  readonly #running: Promise<void>;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly connection: NatsConnection,
    private readonly messages: ConsumerMessages,
    private readonly handler: BusHandler,
    private readonly options: RunOptions,
  ) {
    this.#running = this.#run().catch((error: unknown) => options.logger.error({ err: error }, "event consumer stopped"));
  }

  async close(): Promise<void> {
    if (this.#stopping) return this.#running;
    this.#stopping = true;
    await this.messages.close();
    await this.#running;
    await Promise.all(this.#inFlight);
    // Acks are fire-and-forget; flushing makes sure the server has them before the connection goes.
    await this.connection.flush();
    await this.connection.close();
  }

  async #run(): Promise<void> {
    for await (const message of this.messages) {
      if (this.#stopping) {
        // Fetched but not handled: hand it back now rather than after ack_wait, so the next consumer gets it
        // promptly. Not at once: the server would hand it to this consumer's still-open pull request and it
        // would be lost until ack_wait; the delay outlives the connection, which closes right after.
        message.nak(HANDBACK_DELAY_MS);
        continue;
      }
      // Handled concurrently, acked one by one as each handler resolves; at most maxInFlight at once.
      while (this.#inFlight.size >= this.options.maxInFlight) await Promise.race(this.#inFlight);
      const handled = this.#handle(message).finally(() => this.#inFlight.delete(handled));
      this.#inFlight.add(handled);
    }
  }

  async #handle(message: JsMsg): Promise<void> {
    const delivery: BusDelivery = {
      subject: message.subject,
      messageId: message.headers?.get("Nats-Msg-Id") || `${message.info.stream}:${message.seq}`,
      data: message.data,
      redelivered: message.redelivered,
      attempt: message.info.deliveryCount,
    };
    // A handler slower than ack_wait (a database stall) must not cause a redelivery while it still runs.
    const progress = setInterval(() => message.working(), Math.max(this.options.ackWaitMs / 3, 1_000));
    try {
      await this.handler(delivery);
      message.ack();
    } catch (error) {
      this.options.onHandlerError(error, delivery);
      message.nak(this.options.redeliveryDelayMs);
    } finally {
      clearInterval(progress);
    }
  }
}

function logHandlerError(logger: Logger): (error: unknown, delivery: BusDelivery) => void {
  return (error, delivery) => logger.warn({ messageId: delivery.messageId, subject: delivery.subject, err: error }, "event failed, redelivering");
}
