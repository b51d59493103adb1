// Fans supervision events out to subscribers. A throwing listener is isolated so that one broken
// subscriber (e.g. the publisher) can never break supervision itself.
import type { SupervisionEvent, SupervisionEventListener } from "./service-event.js";

export class EventHub {
  private readonly listeners = new Set<SupervisionEventListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** Subscribes; the returned function unsubscribes. */
  subscribe(listener: SupervisionEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SupervisionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
