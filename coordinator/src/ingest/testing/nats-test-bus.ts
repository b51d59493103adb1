// Test support for the NATS side of ingestion: the test server's URL, a fresh prefix per test, and
// removal of the test's stream afterwards, so tests run in parallel against the shared NATS server.
import { randomBytes } from "node:crypto";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { busNames, type BusNames } from "@vigil/shared";

export const TEST_NATS_URL = process.env.VIGIL_TEST_NATS_URL ?? "nats://127.0.0.1:4222";

export interface TestBus {
  readonly names: BusNames;
  readonly connection: NatsConnection;
  readonly client: JetStreamClient;
  readonly manager: JetStreamManager;
  /** Deletes the test's stream (and with it its consumers) and disconnects. */
  dispose(): Promise<void>;
}

export async function openTestBus(url = TEST_NATS_URL): Promise<TestBus> {
  const names = busNames(`t${randomBytes(6).toString("hex")}`);
  const connection = await connect({ servers: url, name: "vigil-test" });
  const manager = await jetstreamManager(connection);
  return {
    names,
    connection,
    client: jetstream(connection),
    manager,
    dispose: async () => {
      await manager.streams.delete(names.stream).catch(() => undefined);
      await connection.close();
    },
  };
}
