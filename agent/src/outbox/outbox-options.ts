// The outbox's options as callers give them, and compiled: validated, every default filled in, with errors
// naming the field and the rule.
import { DEFAULT_OUTBOX_MAX_BYTES, InvalidInputError, type EventPublisher, type FieldError } from "@vigil/shared";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { noticeLine, type OutboxNotice } from "./outbox-notices.js";
import { DEFAULT_RETRY_DELAY, type RetryDelayPolicy } from "./retry-delay.js";

export interface DiskOutboxOptions {
  /** The outbox's own directory inside the agent's state directory. */
  readonly dir: string;
  /** `connected` false: the bus is known to be down, so nothing is handed to a client that would only buffer it. */
  readonly publisher: Pick<EventPublisher, "publish"> & { readonly connected?: boolean };
  /** Roll to a new segment file past this size (default 8 MiB). */
  readonly segmentBytes?: number;
  /** Publishes awaiting their acknowledgement at once (default 256). */
  readonly maxInFlight?: number;
  /** Largest payload accepted (default 1 MiB, NATS's default max_payload). */
  readonly maxMessageBytes?: number;
  /** Unacked records kept on disk at most (default 64 MiB); past it the newest event is refused. */
  readonly maxBytes?: number;
  /** Unacked records held in memory at most (default 4096 records, 4 MiB); the rest waits on disk. */
  readonly windowRecords?: number;
  readonly windowBytes?: number;
  /** Refusals by the bus (PublishRefusedError) after which a record is set aside (default 5). */
  readonly maxRefusals?: number;
  readonly cursorSyncMs?: number;
  readonly retry?: RetryDelayPolicy;
  /** Where the default onError, onNotice and onDamagedTail write; default: the process's stderr logger. */
  readonly logger?: Logger;
  /** Told about each failed publish round or cursor save; by default the first failure of a series is logged. */
  readonly onError?: (kind: OutboxErrorKind, error: unknown, consecutiveFailures: number) => void;
  /** Told when the outbox fills, has space again, or sets a record aside; by default a log line. */
  readonly onNotice?: (notice: OutboxNotice) => void;
  /** Told when startup found a damaged tail (a crash mid-write); the records before it are kept. */
  readonly onDamagedTail?: (segment: number, offset: number) => void;
}

/** "publish": the bus refused or did not answer (retried with backoff); "save-cursor": cursor.json could not be written; "read": a segment could not be read back. */
export const OUTBOX_ERROR_KINDS = ["publish", "save-cursor", "read"] as const;
export type OutboxErrorKind = (typeof OUTBOX_ERROR_KINDS)[number];

export type CompiledOptions = Required<Omit<DiskOutboxOptions, "onDamagedTail" | "logger">> & { readonly onDamagedTail: (segment: number, offset: number) => void };

export function compileOptions(options: DiskOutboxOptions): CompiledOptions {
  const errors: FieldError[] = [];
  const positive = (field: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < 1) errors.push({ field, rule: "must be a positive integer" });
    return value;
  };
  if (options.dir === "") errors.push({ field: "dir", rule: "must not be empty" });
  const logger = options.logger ?? defaultLogger();
  const compiled = {
    dir: options.dir,
    publisher: options.publisher,
    segmentBytes: positive("segmentBytes", options.segmentBytes, 8 * 1024 * 1024),
    maxInFlight: positive("maxInFlight", options.maxInFlight, 256),
    maxMessageBytes: positive("maxMessageBytes", options.maxMessageBytes, 1024 * 1024),
    maxBytes: positive("maxBytes", options.maxBytes, DEFAULT_OUTBOX_MAX_BYTES),
    windowRecords: positive("windowRecords", options.windowRecords, 4096),
    windowBytes: positive("windowBytes", options.windowBytes, 4 * 1024 * 1024),
    maxRefusals: positive("maxRefusals", options.maxRefusals, 5),
    cursorSyncMs: positive("cursorSyncMs", options.cursorSyncMs, 200),
    retry: options.retry ?? DEFAULT_RETRY_DELAY,
    onError: options.onError ?? logFirstFailure(logger),
    onNotice: options.onNotice ?? ((notice: OutboxNotice) => logger.warn(noticeLine(notice))),
    onDamagedTail:
      options.onDamagedTail ??
      ((segment: number, offset: number) => logger.warn(`outbox: segment ${segment} is damaged from byte ${offset} (a write interrupted by a crash); the records before it are kept`)),
  };
  if (errors.length > 0) throw new InvalidInputError(errors);
  return compiled;
}

function logFirstFailure(logger: Logger): (kind: OutboxErrorKind, error: unknown, consecutiveFailures: number) => void {
  return (kind, error, consecutiveFailures) => {
    if (consecutiveFailures === 1) logger.warn({ err: error }, `outbox: ${kind} failed, retrying`);
  };
}
