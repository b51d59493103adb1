// Subject, stream and durable-consumer names of the events transport, all derived from one prefix,
// so that every test run (and every deployment sharing a NATS server) has its own namespace.
import { BusMessage } from "../gen/vigil/v1/events.js";
import { type Compiled, InvalidInputError } from "../errors.js";

export const BUS_MESSAGE_KINDS = ["service", "heartbeat", "metrics"] as const;
/** The last subject token: which BusMessage body the subject carries. */
export type BusMessageKind = (typeof BUS_MESSAGE_KINDS)[number];

export const DEFAULT_BUS_PREFIX = "vigil";
const PREFIX_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

export interface BusNames {
  readonly prefix: string;
  /** JetStream stream holding every event: "<PREFIX>_EVENTS" with "-" turned into "_". */
  readonly stream: string;
  /** Wildcard the stream and the consumer filter on: "<prefix>.events.>". */
  readonly allSubjects: string;
  /** Durable consumer of the coordinator: "<prefix>-coordinator". */
  readonly durableConsumer: string;
}

export function compileBusNames(prefix: string): Compiled<BusNames> {
  if (!PREFIX_PATTERN.test(prefix)) {
    return { ok: false, errors: [{ field: "prefix", rule: `must match ${PREFIX_PATTERN.source}` }] };
  }
  return {
    ok: true,
    value: {
      prefix,
      stream: `${prefix.toUpperCase().replaceAll("-", "_")}_EVENTS`,
      allSubjects: `${prefix}.events.>`,
      durableConsumer: `${prefix}-coordinator`,
    },
  };
}

/** compileBusNames for callers holding an already validated prefix; throws InvalidInputError otherwise. */
export function busNames(prefix: string): BusNames {
  const compiled = compileBusNames(prefix);
  if (!compiled.ok) throw new InvalidInputError(compiled.errors);
  return compiled.value;
}

/** "<prefix>.events.<host>.<kind>"; the host is escaped so that dots or wildcards in it stay one token. */
export function eventSubject(names: BusNames, host: string, kind: BusMessageKind): string {
  return `${names.prefix}.events.${escapeSubjectToken(host)}.${kind}`;
}

/** Percent-escapes everything but [A-Za-z0-9_-], so the escaping is injective and the result is one token. */
export function escapeSubjectToken(value: string): string {
  if (value === "") return "%";
  return value.replace(/[^A-Za-z0-9_-]/g, (char) =>
    [...new TextEncoder().encode(char)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}

/** What the agent hands to its outbox for one BusMessage: subject from the body's kind and host, id from the body. */
export interface BusEnvelope {
  readonly subject: string;
  readonly messageId: string;
  readonly data: Uint8Array;
}

export function toBusEnvelope(names: BusNames, message: BusMessage): BusEnvelope {
  const body = message.body;
  if (body === undefined) throw new InvalidInputError([{ field: "body", rule: "must be set" }]);
  if (body.value.id === "") throw new InvalidInputError([{ field: `${body.$case}.id`, rule: "must not be empty" }]);
  const kind: BusMessageKind = body.$case === "serviceEvent" ? "service" : body.$case;
  return {
    subject: eventSubject(names, body.value.host, kind),
    messageId: body.value.id,
    data: BusMessage.encode(message).finish(),
  };
}
