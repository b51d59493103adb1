// Authority of events that arrive from NATS: the subject's host (which NATS lets only that host's
// user publish), the body's host and the service's placement must agree; otherwise the event is
// dropped (acked, never recorded) and counted.
import { BusMessage, type BusDelivery, type BusHandler, type BusNames } from "@vigil/shared";
import { type Logger } from "@vigil/shared/logging";
import { checkEventAuthority } from "../link/link-event-source.js";
import { type Store } from "../store/open-store.js";
import { findService } from "../store/repositories/services.js";

export class BusEventAuthority {
  /** Events dropped because subject host, body host or placement disagreed; a metrics exporter can read it. */
  dropped = 0;
  readonly #names: BusNames;
  readonly #store: Store;
  readonly #logger: Logger;

  constructor(options: { readonly names: BusNames; readonly store: Store; readonly logger: Logger }) {
    this.#names = options.names;
    this.#store = options.store;
    this.#logger = options.logger;
  }

  /** `handler`, called only for events whose authority holds. */
  guard(handler: BusHandler): BusHandler {
    return async (delivery) => {
      const refused = await this.check(delivery);
      if (refused === null) return handler(delivery);
      this.dropped += 1;
      this.#logger.warn({ dropped: this.dropped }, `dropped event ${JSON.stringify(delivery.messageId)} on ${JSON.stringify(delivery.subject)}: ${refused}`);
    };
  }

  /** Null when the event may be recorded, else why not. */
  async check(delivery: BusDelivery): Promise<string | null> {
    let message: BusMessage;
    try {
      message = BusMessage.decode(delivery.data);
    } catch {
      return "data: is not a BusMessage";
    }
    const body = message.body;
    if (body === undefined) return "data: has no body";
    // The body's host must be the one the subject names: the same rule as for events on an agent's link.
    const refused = checkEventAuthority(this.#names, body.value.host, { subject: delivery.subject, messageId: delivery.messageId, data: Buffer.from(delivery.data) });
    if (refused !== null) return refused;
    if (body.$case !== "serviceEvent") return null;
    const ref = body.value.service;
    const service = ref === undefined ? null : await findService(this.#store.db, { account: ref.account, name: ref.name });
    // A service that no longer exists is the recorder's to handle; one placed elsewhere is not this host's to report.
    if (service !== null && service.host !== body.value.host) return `service: ${ref?.account}/${ref?.name} is placed on ${service.host ?? "no host"}, not ${body.value.host}`;
    return null;
  }
}
