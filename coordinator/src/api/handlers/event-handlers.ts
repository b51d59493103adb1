// Admin handlers for the event history: list with filters (newest first) and watch, which sends
// the events after the last one it sent, oldest first, reading again whenever the store says new
// events were committed (see EventArrivals).
import { InvalidInputError, type ListEventsRequest, STORED_EVENT_KINDS } from "@vigil/shared";
import { type Store } from "../../store/open-store.js";
import { type EventFilter, listEvents } from "../../store/repositories/events.js";
import { type Authorised } from "../authorise.js";
import { eventMessage } from "../messages/service-messages.js";
import { EventArrivals } from "../queries/event-arrivals.js";
import { eventsAfter, lastEventPosition } from "../queries/events-after.js";
import { type StreamHandlers, type UnaryHandlers } from "./handler-types.js";

/** Polling interval of watchers only where the store's notifications are unavailable. */
export const WATCH_POLL_MS = 200;

export function eventFilter(request: ListEventsRequest, authorised: Authorised): EventFilter {
  const kind = STORED_EVENT_KINDS.find((candidate) => candidate === request.kind);
  if (request.kind !== "" && kind === undefined) throw new InvalidInputError([{ field: "kind", rule: `must be one of ${STORED_EVENT_KINDS.join(", ")}` }]);
  return {
    ...(authorised.account !== undefined && { account: authorised.account }),
    ...(request.service !== "" && { service: request.service }),
    ...(request.host !== "" && { host: request.host }),
    ...(kind !== undefined && { kind }),
    ...(request.sinceMs > 0 && { since: new Date(request.sinceMs) }),
    ...(request.limit > 0 && { limit: request.limit }),
  };
}

export function eventHandlers(store: Store, pollMs = WATCH_POLL_MS): Pick<UnaryHandlers, "listEvents"> & Pick<StreamHandlers, "watchEvents"> {
  const arrivals = new EventArrivals({ readPosition: () => lastEventPosition(store.db), listen: (notify) => store.listenForEvents(notify), pollMs });
  return {
    listEvents: async (request, authorised) => ({ events: (await listEvents(store.db, eventFilter(request, authorised))).map(eventMessage) }),
    /** since_ms > 0 replays stored events from then on first; otherwise only new events are sent. */
    watchEvents: async (request, authorised, sink) => {
      const filter = eventFilter(request, authorised);
      let position = filter.since === undefined ? await lastEventPosition(store.db) : 0;
      while (!sink.signal.aborted) {
        // Taken before the query: an event stored while it runs moves the poller past it and wakes us.
        const seen = arrivals.position;
        const batch = await eventsAfter(store.db, filter, position);
        for (const record of batch) {
          await sink.write(eventMessage(record));
          position = record.position;
        }
        if (batch.length === 0) await arrivals.after(Math.max(seen, position), sink.signal);
      }
    },
  };
}
