// The replica channel over core NATS (no JetStream: a command is useless once its caller gave up):
// request/reply on "<prefix>.replica.command.<host>", served only by the replica holding the host's
// session, so "no responders" means no replica holds it; announcements on "<prefix>.replica.changed".
import { type NatsConnection, type Subscription, errors } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { escapeSubjectToken } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { type ReplicaChannel } from "./replica-channel.js";

export interface NatsReplicaChannelOptions {
  readonly servers: string | readonly string[];
  /** The deployment's bus prefix: replicas of one deployment share it. */
  readonly prefix: string;
  readonly logger?: Logger;
  /** The coordinator's NATS user, as for its event source. */
  readonly credentials?: { readonly user: string; readonly pass: string };
}

export class NatsReplicaChannel implements ReplicaChannel {
  readonly #connection: NatsConnection;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #listeners = new Set<(hosts: readonly string[]) => void>();
  readonly #subscriptions = new Set<Subscription>();

  private constructor(connection: NatsConnection, prefix: string, logger: Logger) {
    this.#connection = connection;
    this.#prefix = prefix;
    this.#logger = logger;
    this.#subscribe(`${prefix}.replica.changed`, async (data) => {
      const hosts = (JSON.parse(new TextDecoder().decode(data)) as unknown[]).filter((host): host is string => typeof host === "string");
      for (const listener of this.#listeners) listener(hosts);
      return undefined;
    });
  }

  /** Connects now (rejecting if NATS is unreachable) and keeps reconnecting afterwards. */
  static async open(options: NatsReplicaChannelOptions): Promise<NatsReplicaChannel> {
    const connection = await connect({
      servers: typeof options.servers === "string" ? options.servers : [...options.servers],
      name: "vigil-coordinator-replicas",
      ...(options.credentials && { user: options.credentials.user, pass: options.credentials.pass }),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    });
    return new NatsReplicaChannel(connection, options.prefix, options.logger ?? defaultLogger());
  }

  serve(host: string, handler: (command: Uint8Array) => Promise<Uint8Array>): () => void {
    const subscription = this.#subscribe(this.#commandSubject(host), handler);
    return () => {
      subscription.unsubscribe();
      this.#subscriptions.delete(subscription);
    };
  }

  async request(host: string, command: Uint8Array, timeoutMs: number): Promise<Uint8Array | null> {
    try {
      return (await this.#connection.request(this.#commandSubject(host), command, { timeout: timeoutMs })).data;
    } catch (error) {
      if (error instanceof errors.RequestError && error.isNoResponders()) return null;
      if (error instanceof errors.NoRespondersError) return null;
      throw error;
    }
  }

  announceChanged(hosts: readonly string[]): void {
    if (hosts.length > 0) this.#connection.publish(`${this.#prefix}.replica.changed`, JSON.stringify(hosts));
  }

  onChanged(listener: (hosts: readonly string[]) => void): void {
    this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#subscriptions.clear();
    await this.#connection.close();
  }

  #commandSubject(host: string): string {
    return `${this.#prefix}.replica.command.${escapeSubjectToken(host)}`;
  }

  #subscribe(subject: string, handler: (data: Uint8Array) => Promise<Uint8Array | undefined>): Subscription {
    const subscription = this.#connection.subscribe(subject, {
      callback: (error, message) => {
        if (error !== null) return void this.#logger.error({ err: error, subject }, "replica channel subscription failed");
        void handler(message.data).then(
          (reply) => reply !== undefined && message.respond(reply),
          (failure: unknown) => this.#logger.error({ err: failure, subject }, "replica channel handler failed"),
        );
      },
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }
}
