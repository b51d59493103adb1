// Test support on the agent side: create the events stream as the coordinator would (the agent never does),
// read back what it holds, and delete it, so publisher and outbox tests can check what reached NATS.
import { randomBytes } from "node:crypto";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { addStreamRetryingStoreFailure, busNames, eventStreamConfig, type BusNames } from "@vigil/shared";

export const TEST_NATS_URL = process.env.VIGIL_TEST_NATS_URL ?? "nats://127.0.0.1:4222";

export interface StoredEvent {
  readonly subject: string;
  readonly messageId: string;
  readonly data: Uint8Array;
}

/** Names under a fresh random prefix, so parallel tests never share a stream. */
export function randomTestBusNames(): BusNames {
  return busNames(`t${randomBytes(6).toString("hex")}`);
}

async function withManager<T>(url: string, use: (manager: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>): Promise<T> {
  const connection = await connect({ servers: url, name: "vigil-test" });
  try {
    return await use(await jetstreamManager(connection));
  } finally {
    await connection.close();
  }
}

export function createEventStream(url: string, names: BusNames): Promise<void> {
  const config = eventStreamConfig(names);
  return withManager(url, async (manager) => void (await addStreamRetryingStoreFailure(() => manager.streams.add({ ...config, subjects: [...config.subjects] }))));
}

export function deleteEventStream(url: string, names: BusNames): Promise<void> {
  return withManager(url, async (manager) => void (await manager.streams.delete(names.stream).catch(() => false)));
}

/** Every message in the stream, in stream order (duplicates the stream dropped are not there). */
export async function readEventStream(url: string, names: BusNames): Promise<StoredEvent[]> {
  const connection = await connect({ servers: url, name: "vigil-test" });
  try {
    const total = (await (await jetstreamManager(connection)).streams.info(names.stream)).state.messages;
    const consumer = await jetstream(connection).consumers.get(names.stream);
    const events: StoredEvent[] = [];
    while (events.length < total) {
      const batch = await consumer.fetch({ max_messages: Math.min(total - events.length, 1_000), expires: 2_000 });
      const before = events.length;
      for await (const message of batch) {
        events.push({ subject: message.subject, messageId: message.headers?.get("Nats-Msg-Id") ?? "", data: message.data });
      }
      if (events.length === before) throw new Error(`stream ${names.stream} holds ${total} messages but only ${before} could be read`);
    }
    return events;
  } finally {
    await connection.close();
  }
}
