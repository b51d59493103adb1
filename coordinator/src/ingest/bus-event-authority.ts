// Authority of events that arrive from NATS: the subject's host (which NATS lets only that host's
// user publish) and the body's host must agree, checked here before anything is written; the
// service's placement is checked by the batch that records it. Either way a refused event is
// dropped (acked, never recorded) and counted.
import { BusMessage, type BusDelivery, type BusHandler, type BusNames } from "@vigil/shared";
import { type Logger } from "@vigil/shared/logging";
import { checkEventAuthority } from "../link/link-event-source.js";

export class BusEventAuthority {
  /** Events dropped because subject host, body host or placement disagreed; a metrics exporter can read it. */
  dropped = 0;
  readonly #names: BusNames;
  readonly #logger: Logger;

  constructor(options: { readonly names: BusNames; readonly logger: Logger }) {
    this.#names = options.names;
    this.#logger = options.logger;
  }

  /** `handler`, called only for events whose subject and body agree on the host. */
  guard(handler: BusHandler): BusHandler {
    return async (delivery) => {
      const refused = this.check(delivery);
      if (refused === null) return handler(delivery);
      this.drop(delivery, refused);
    };
  }

  /** Counts and logs an event that is not recorded because of `reason`. */
  drop(origin: { readonly subject: string; readonly messageId: string }, reason: string): void {
    this.dropped += 1;
    this.#logger.warn({ dropped: this.dropped }, `dropped event ${JSON.stringify(origin.messageId)} on ${JSON.stringify(origin.subject)}: ${reason}`);
  }

  /** Null when the subject and the body's host agree, else why not. */
  check(delivery: BusDelivery): string | null {
    let message: BusMessage;
    try {
      message = BusMessage.decode(delivery.data);
    } catch {
      return "data: is not a BusMessage";
    }
    if (message.body === undefined) return "data: has no body";
    // The body's host must be the one the subject names: the same rule as for events on an agent's link.
    return checkEventAuthority(this.#names, message.body.value.host, { subject: delivery.subject, messageId: delivery.messageId, data: Buffer.from(delivery.data) });
  }
}
