// Sends connected agents their host's full desired state when it is newer than what they were sent.
// Pushes asked for while a read runs join the next one, and one transaction reads every waiting
// host's state: a fleet reconnecting at once costs a few queries per batch, not per host.
import { type Logger } from "@vigil/shared/logging";
import { IngestBatcher } from "../ingest/ingest-batcher.js";
import { getHostDesiredStates } from "../store/repositories/desired-state.js";
import { type Store } from "../store/open-store.js";
import { type AgentSession } from "./agent-session.js";
import { desiredStateMessage } from "./desired-state-message.js";

/** Most sessions whose states one transaction reads. */
const PUSH_BATCH = 500;

export class DesiredStatePusher {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #batcher: IngestBatcher<AgentSession>;

  constructor(store: Store, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
    // A failed read is not retried here: the hub's resync pushes again within seconds.
    this.#batcher = new IngestBatcher<AgentSession>({ write: (sessions) => this.#send(sessions), maxRecords: PUSH_BATCH, isolateAfter: () => false });
  }

  /** Resolves once the session was sent its current state (or needed none); a push already waiting covers this one. */
  async push(session: AgentSession): Promise<void> {
    if (session.pushQueued || session.closed) return;
    session.pushQueued = true;
    await this.#batcher.submit([session]).catch((error: unknown) => this.#logger.error({ host: session.host, err: error }, "desired state not sent"));
  }

  async #send(sessions: readonly AgentSession[]): Promise<void> {
    // Cleared before the read: a change made while it runs queues the session again, for the next read.
    for (const session of sessions) session.pushQueued = false;
    const live = sessions.filter((session) => !session.closed);
    if (live.length === 0) return;
    const states = await this.#store.transaction((tx) => getHostDesiredStates(tx, [...new Set(live.map((session) => session.host))]));
    for (const session of live) {
      const state = states.get(session.host);
      if (state === undefined || state.revision <= session.sentRevision || session.closed) continue;
      session.write({ body: { $case: "desiredState", value: desiredStateMessage(state) } });
      session.sentRevision = state.revision;
    }
  }
}
