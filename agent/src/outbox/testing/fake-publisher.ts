// A publisher double for outbox tests: records what was accepted, and can be told to refuse, to hang, or to
// refuse particular messages for good (PublishRefusedError, as the bus answers a message too large).
import { type EventPublisher, PublishRefusedError } from "@vigil/shared";

export type FakePublisherMode = "accept" | "refuse" | "hang";

export class FakePublisher implements Pick<EventPublisher, "publish"> {
  mode: FakePublisherMode = "accept";
  /** Message ids accepted, in the order their publish resolved. */
  readonly accepted: string[] = [];
  /** Message ids the bus refuses whatever the mode. */
  readonly poisoned = new Set<string>();
  attempts = 0;

  async publish(_subject: string, messageId: string, _data: Uint8Array): Promise<void> {
    this.attempts += 1;
    if (this.mode === "refuse") throw new Error("no responders: NATS is down");
    if (this.mode === "hang") return new Promise(() => undefined);
    if (this.poisoned.has(messageId)) throw new PublishRefusedError(`${messageId}: message size exceeds maximum allowed`);
    this.accepted.push(messageId);
  }
}
