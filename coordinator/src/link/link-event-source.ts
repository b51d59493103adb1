// Status events that agents send on their AgentLink stream instead of NATS (embedded mode): an
// EventSource fed by the hub, which acks each event to its agent only after the handler committed it.
import { BusMessage, type BusHandler, type BusNames, type EventConsumer, type EventPublish, type EventSource, eventSubject, type BusMessageKind } from "@vigil/shared";

export type LinkEventOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

const KIND_OF_CASE: Readonly<Record<string, BusMessageKind>> = { serviceEvent: "service", heartbeat: "heartbeat", metrics: "metrics" };

/**
 * The host's authority is the session it arrived on: an event whose subject or body names another
 * host is refused, never recorded.
 */
export function checkEventAuthority(names: BusNames, sessionHost: string, event: EventPublish): string | null {
  let message: BusMessage;
  try {
    message = BusMessage.decode(event.data);
  } catch {
    return "data: is not a BusMessage";
  }
  const body = message.body;
  if (body === undefined) return "data: has no body";
  const kind = KIND_OF_CASE[body.$case];
  if (kind === undefined || event.subject !== eventSubject(names, sessionHost, kind)) return `subject: must be ${eventSubject(names, sessionHost, kind ?? "service")} for host ${sessionHost}`;
  if (body.value.host !== sessionHost) return `host: must be ${sessionHost}, the host of this session`;
  if (body.value.id !== event.messageId) return "message_id: must be the body's id";
  return null;
}

export class LinkEventSource implements EventSource {
  readonly names: BusNames;
  #handler: BusHandler | undefined;

  constructor(names: BusNames) {
    this.names = names;
  }

  async consume(handler: BusHandler): Promise<EventConsumer> {
    this.#handler = handler;
    return {
      close: async () => {
        if (this.#handler === handler) this.#handler = undefined;
      },
    };
  }

  /** Records one event from `host`'s session; the caller acks or nacks the agent with the outcome. */
  async deliver(host: string, event: EventPublish): Promise<LinkEventOutcome> {
    const refused = checkEventAuthority(this.names, host, event);
    if (refused !== null) return { ok: false, message: `event refused: ${refused}` };
    const handler = this.#handler;
    if (handler === undefined) return { ok: false, message: "the coordinator is not consuming events yet" };
    try {
      await handler({ subject: event.subject, messageId: event.messageId, data: event.data, redelivered: false, attempt: 1 });
      return { ok: true };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }
}
