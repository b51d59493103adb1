// Creates or updates the events stream and the coordinator's durable consumer on startup: the coordinator
// owns both, so their retention and redelivery settings follow its configuration on every start.
import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from "@nats-io/jetstream";
import {
  addStreamRetryingStoreFailure,
  type BusNames,
  DEFAULT_EVENT_CONSUMER_OPTIONS,
  DEFAULT_EVENT_STREAM_OPTIONS,
  eventConsumerConfig,
  eventStreamConfig,
  type EventConsumerOptions,
  type EventStreamOptions,
} from "@vigil/shared";

export async function ensureEventStream(jsm: JetStreamManager, names: BusNames, options: EventStreamOptions = DEFAULT_EVENT_STREAM_OPTIONS): Promise<void> {
  const config = eventStreamConfig(names, options);
  try {
    await jsm.streams.info(config.name);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.StreamNotFound)) throw error;
    await addStreamRetryingStoreFailure(() => jsm.streams.add({ ...config, subjects: [...config.subjects] }));
    return;
  }
  const { subjects, duplicate_window, max_age, max_bytes, discard } = config;
  await jsm.streams.update(config.name, { subjects: [...subjects], duplicate_window, max_age, max_bytes, discard });
}

export async function ensureEventConsumer(jsm: JetStreamManager, names: BusNames, options: EventConsumerOptions = DEFAULT_EVENT_CONSUMER_OPTIONS): Promise<void> {
  const config = eventConsumerConfig(names, options);
  try {
    await jsm.consumers.info(names.stream, config.durable_name);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(names.stream, config);
    return;
  }
  const { ack_wait, max_deliver, max_ack_pending } = config;
  await jsm.consumers.update(names.stream, config.durable_name, { ack_wait, max_deliver, max_ack_pending });
}

function isNotFound(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
