// Publishes status events to NATS JetStream for the outbox: resolves on the PubAck, with the message id as
// Nats-Msg-Id so the stream drops resends. The stream itself belongs to the coordinator (it creates it);
// until it exists a publish fails and the outbox keeps the event.
import { jetstream, JetStreamApiError, type JetStreamClient } from "@nats-io/jetstream";
import { InvalidArgumentError, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { type EventPublisher, PublishRefusedError } from "@vigil/shared";

export interface NatsEventPublisherOptions {
  readonly servers: string | readonly string[];
  /** Shown in the server's connection list, e.g. "vigil-agent web-1". */
  readonly name?: string;
  /** How long a publish waits for its PubAck before failing (and the outbox retrying). */
  readonly publishTimeoutMs?: number;
  /** This host's NATS user (see natsAuthorizationConfig); with it, replies come on hostInboxPrefix(host). */
  readonly credentials?: { readonly user: string; readonly pass: string; readonly inboxPrefix: string };
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
  #up = false;
  #closed = false;

  constructor(private readonly options: NatsEventPublisherOptions) {}

  /**
   * False while an established connection is down (the client is reconnecting). Telemetry checks it: a
   * publish made meanwhile would wait in the client's buffer and reach the stream after the outage. Before
   * the first connection it is true: a publish then connects, or fails at once when NATS is down.
   */
  get connected(): boolean {
    return this.#up || this.#connected === undefined;
  }

  async publish(subject: string, messageId: string, data: Uint8Array): Promise<void> {
    const { client } = await this.#connect();
    try {
      await client.publish(subject, data, { msgID: messageId, timeout: this.options.publishTimeoutMs ?? 5_000 });
    } catch (error) {
      // The client refuses a payload over the server's max_payload; the stream answers an API error for a
      // message it will never store. Timeouts, no responders (no stream yet) and lost connections pass again.
      if (error instanceof InvalidArgumentError || error instanceof JetStreamApiError) {
        throw new PublishRefusedError(`${subject} ${messageId}: refused by the bus: ${error.message}`, { cause: error });
      }
      throw error;
    }
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
      ...this.options.credentials,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    }).then(
      (connection) => {
        this.#up = true;
        void this.#watch(connection);
        return { connection, client: jetstream(connection) };
      },
      (error: unknown) => {
        this.#connected = undefined;
        throw error;
      },
    );
    return this.#connected;
  }

  async #watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === "disconnect" || status.type === "close") this.#up = false;
      else if (status.type === "reconnect") this.#up = true;
    }
    this.#up = false;
  }
}
