// Publishes status events to NATS JetStream for the outbox: resolves on the PubAck, with the message id as
// Nats-Msg-Id so the stream drops resends. The stream itself belongs to the coordinator (it creates it);
// until it exists a publish fails and the outbox keeps the event.
import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import type { EventPublisher } from "@vigil/shared";

export interface NatsEventPublisherOptions {
  readonly servers: string | readonly string[];
  /** Shown in the server's connection list, e.g. "vigil-agent web-1". */
  readonly name?: string;
  /** How long a publish waits for its PubAck before failing (and the outbox retrying). */
  readonly publishTimeoutMs?: number;
}

interface Connected {
  readonly connection: NatsConnection;
  readonly client: JetStreamClient;
}

/**
 * Connects lazily on the first publish and again after a failed first connect, so an agent starts even
 * while NATS is down. Once connected the client reconnects forever by itself.
 */
export class NatsEventPublisher implements EventPublisher {
  #connected: Promise<Connected> | undefined;
  #closed = false;

  constructor(private readonly options: NatsEventPublisherOptions) {}

  async publish(subject: string, messageId: string, data: Uint8Array): Promise<void> {
    const { client } = await this.#connect();
    await client.publish(subject, data, { msgID: messageId, timeout: this.options.publishTimeoutMs ?? 5_000 });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const connected = await this.#connected?.catch(() => undefined);
    await connected?.connection.close();
  }

  #connect(): Promise<Connected> {
    if (this.#closed) return Promise.reject(new Error("publisher closed"));
    this.#connected ??= connect({
      servers: typeof this.options.servers === "string" ? this.options.servers : [...this.options.servers],
      name: this.options.name ?? "vigil-agent",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    }).then(
      (connection) => ({ connection, client: jetstream(connection) }),
      (error: unknown) => {
        this.#connected = undefined;
        throw error;
      },
    );
    return this.#connected;
  }
}
