// Message ids for the events transport: "<host>-<boot id>-<sequence>", assigned once when an event is
// created and stored with it in the outbox, so every resend carries the same id and is deduplicated.

/** Hands out ids unique to one agent process: the boot id differs per start, the sequence per event. */
export class MessageIdSequence {
  #next = 1;

  /** `bootId` must be unique per process start (the agent draws it at random) and contain no "-". */
  constructor(
    private readonly host: string,
    private readonly bootId: string,
  ) {
    if (host === "") throw new Error("host: must not be empty");
    if (!/^[A-Za-z0-9]{1,32}$/.test(bootId)) throw new Error("bootId: must match ^[A-Za-z0-9]{1,32}$");
  }

  next(): string {
    return `${this.host}-${this.bootId}-${this.#next++}`;
  }
}
