// What the outbox has to say beyond publish errors: it is full and refusing events, it has space again (and
// how many it refused), or it set a record aside. Never silent: by default each is a line on stderr.

export const OUTBOX_NOTICE_KINDS = ["full", "space-again", "dead-lettered"] as const;
export type OutboxNoticeKind = (typeof OUTBOX_NOTICE_KINDS)[number];

export type OutboxNotice =
  | { readonly kind: "full"; readonly maxBytes: number }
  | { readonly kind: "space-again"; readonly refused: number }
  | { readonly kind: "dead-lettered"; readonly subject: string; readonly messageId: string; readonly refusals: number; readonly error: unknown };

/** enqueue() past the size cap: the newest event is refused, the backlog is kept in order. */
export class OutboxFullError extends Error {
  constructor(readonly maxBytes: number) {
    super(`outbox full: ${maxBytes} bytes of events are waiting for the bus; new events are refused until it takes them`);
    this.name = "OutboxFullError";
  }
}

export function noticeLine(notice: OutboxNotice): string {
  switch (notice.kind) {
    case "full":
      return `outbox: full (${notice.maxBytes} bytes waiting for the bus): refusing new events until it takes them; refused events are counted`;
    case "space-again":
      return `outbox: space again; ${notice.refused} event${notice.refused === 1 ? " was" : "s were"} refused while it was full`;
    case "dead-lettered":
      return `outbox: the bus refused event ${notice.messageId} (${notice.subject}) ${notice.refusals} times: set aside in dead-letter.log, later events go on (${notice.error instanceof Error ? notice.error.message : String(notice.error)})`;
  }
}
