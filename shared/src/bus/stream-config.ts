// The JetStream stream and durable consumer the events transport runs on, as plain data: the
// coordinator creates them from this, tests create them the same way; field names follow the JetStream API.
import type { BusNames } from "./subjects.js";

const NANOS_PER_MS = 1_000_000;

export interface EventStreamOptions {
  /** Window in which a repeated message id is dropped by the server (the outbox resends after failures). */
  readonly duplicateWindowMs: number;
  /** How long an event stays in the stream even if never consumed (a coordinator down for days loses nothing younger). */
  readonly maxAgeMs: number;
  /** The stream's size cap on the NATS server's disk; the oldest events go first past it. */
  readonly maxBytes: number;
}

export const DEFAULT_EVENT_STREAM_OPTIONS: EventStreamOptions = {
  duplicateWindowMs: 2 * 60_000,
  maxAgeMs: 7 * 24 * 3_600_000,
  maxBytes: 1024 * 1024 * 1024,
};

export function eventStreamConfig(names: BusNames, options: EventStreamOptions = DEFAULT_EVENT_STREAM_OPTIONS) {
  return {
    name: names.stream,
    subjects: [names.allSubjects],
    storage: "file",
    retention: "limits",
    discard: "old",
    num_replicas: 1,
    duplicate_window: options.duplicateWindowMs * NANOS_PER_MS,
    max_age: options.maxAgeMs * NANOS_PER_MS,
    max_bytes: options.maxBytes,
  } as const;
}

export interface EventConsumerOptions {
  /** A delivery not acked within this time is redelivered (the handler signals progress while it runs). */
  readonly ackWaitMs: number;
  /** Deliveries handed out but not yet acked; bounds the coordinator's memory, not its durability. */
  readonly maxAckPending: number;
}

export const DEFAULT_EVENT_CONSUMER_OPTIONS: EventConsumerOptions = { ackWaitMs: 30_000, maxAckPending: 1_000 };

export function eventConsumerConfig(names: BusNames, options: EventConsumerOptions = DEFAULT_EVENT_CONSUMER_OPTIONS) {
  return {
    durable_name: names.durableConsumer,
    filter_subject: names.allSubjects,
    ack_policy: "explicit",
    deliver_policy: "all",
    replay_policy: "instant",
    // -1: never give up on an event; a handler that keeps failing is a bug to fix, not data to drop.
    max_deliver: -1,
    ack_wait: options.ackWaitMs * NANOS_PER_MS,
    max_ack_pending: options.maxAckPending,
  } as const;
}
