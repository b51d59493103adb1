// What each token has open on this coordinator (agent links, Admin streams and calls): ends all of
// a token's sessions soon after it is revoked (anywhere), and caps how many one token may hold.
import { ControlError } from "../control/control-errors.js";
import { defaultLogger, type Logger } from "@vigil/shared/logging";
import { type Store } from "../store/open-store.js";
import { revokedTokenIds } from "../store/repositories/tokens.js";

export const SESSION_KINDS = ["agent", "stream", "call"] as const;
/** agent: an AgentLink stream; stream: WatchEvents, FollowLogs; call: a unary Admin call in flight. */
export type SessionKind = (typeof SESSION_KINDS)[number];

export const REVOKED_REASON = "authorization: the token was revoked";

export interface TokenSessionLimits {
  /** Concurrent Admin streams of one token; default 16. */
  readonly streams: number;
  /** Concurrent unary Admin calls of one token; default 64. */
  readonly calls: number;
}

export const DEFAULT_TOKEN_SESSION_LIMITS: TokenSessionLimits = { streams: 16, calls: 64 };

export interface TokenSessionsOptions {
  readonly store: Store;
  /** How often the tokens of open sessions are checked for revocation; default 300 ms. */
  readonly checkIntervalMs?: number;
  readonly limits?: Partial<TokenSessionLimits>;
  readonly logger?: Logger;
}

interface Session {
  readonly kind: SessionKind;
  readonly end: (reason: string) => void;
}

export class TokenSessions {
  readonly #store: Store;
  readonly #limits: TokenSessionLimits;
  readonly #logger: Logger;
  readonly #open = new Map<string, Set<Session>>();
  readonly #timer: NodeJS.Timeout;
  #checking = false;

  constructor(options: TokenSessionsOptions) {
    this.#store = options.store;
    this.#limits = { ...DEFAULT_TOKEN_SESSION_LIMITS, ...options.limits };
    this.#logger = options.logger ?? defaultLogger();
    this.#timer = setInterval(() => void this.#check(), options.checkIntervalMs ?? 300);
    this.#timer.unref();
  }

  /**
   * Records a session of `tokenId`; `end` is called (once) if the token is revoked. Returns the
   * release to call when the session ends. Past a limit: RESOURCE_EXHAUSTED, nothing recorded.
   */
  hold(tokenId: string, kind: SessionKind, end: (reason: string) => void = () => undefined): () => void {
    const sessions = this.#open.get(tokenId) ?? new Set<Session>();
    const limit = kind === "stream" ? this.#limits.streams : kind === "call" ? this.#limits.calls : Infinity;
    const held = [...sessions].filter((session) => session.kind === kind).length;
    if (held >= limit) throw new ControlError("resource-exhausted", `authorization: this token already has ${held} open ${kind === "stream" ? "streams" : "calls"}; the limit is ${limit}`);
    const session: Session = { kind, end };
    sessions.add(session);
    this.#open.set(tokenId, sessions);
    return () => {
      sessions.delete(session);
      if (sessions.size === 0 && this.#open.get(tokenId) === sessions) this.#open.delete(tokenId);
    };
  }

  /** Open sessions of the token (of one kind, or all). */
  count(tokenId: string, kind?: SessionKind): number {
    return [...(this.#open.get(tokenId) ?? [])].filter((session) => kind === undefined || session.kind === kind).length;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #check(): Promise<void> {
    if (this.#checking || this.#open.size === 0) return;
    this.#checking = true;
    try {
      for (const id of await revokedTokenIds(this.#store.db, [...this.#open.keys()])) {
        const sessions = this.#open.get(id);
        this.#open.delete(id);
        if (sessions === undefined) continue;
        this.#logger.info({ token: id, sessions: sessions.size }, "token revoked: ending its open sessions");
        for (const session of sessions) session.end(REVOKED_REASON);
      }
    } catch {
      // The database is unavailable: the next check tries again; calls meanwhile fail on their own.
    } finally {
      this.#checking = false;
    }
  }
}
