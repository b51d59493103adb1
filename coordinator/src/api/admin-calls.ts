// The Admin API without its transport: each call is size-checked, authenticated, refused if a
// string is unstorable, authorised by the access table and run. gRPC and HTTP both call through here.
import { status } from "@grpc/grpc-js";
import { AdminService, InvalidInputError } from "@vigil/shared";
import { type ControlPlane } from "../control/control-plane.js";
import { TokenSessions } from "../sessions/token-sessions.js";
import { type Store } from "../store/open-store.js";
import { findUnstorableString } from "../store/storable-strings.js";
import { ApiError } from "./api-error.js";
import { authenticate } from "./authenticate.js";
import { type Authorised, authorise } from "./authorise.js";
import { accountHandlers } from "./handlers/account-handlers.js";
import { hostHandlers } from "./handlers/host-handlers.js";
import { eventHandlers } from "./handlers/event-handlers.js";
import { type AdminHandlers, type StreamHandler, type StreamSink, type UnaryHandler } from "./handlers/handler-types.js";
import { logHandlers } from "./handlers/log-handlers.js";
import { resourceHandlers } from "./handlers/resource-handlers.js";
import { serviceHandlers } from "./handlers/service-handlers.js";
import { ADMIN_RPC_ACCESS, type AdminRpc } from "./rpc-policy.js";

/** Admin requests are small; anything larger is refused with RESOURCE_EXHAUSTED. */
export const ADMIN_MAX_REQUEST_BYTES = 1024 * 1024;

export interface AdminDeps {
  readonly store: Store;
  readonly control: ControlPlane;
  readonly maxRequestBytes?: number;
  /** Poll interval of WatchEvents and FollowLogs (defaults 200 ms and 250 ms). */
  readonly eventPollMs?: number;
  readonly logPollMs?: number;
  /** Ends a revoked token's streams and caps each token's streams and calls; default: its own with default limits. */
  readonly sessions?: TokenSessions;
  /** Told each call's method and its result's gRPC code name ("OK", "NOT_FOUND") when it ends (metrics). */
  readonly onCallEnded?: (method: string, code: string) => void;
  /** The CA certificate `vigil host add` hands out for agents to verify this coordinator; absent when plaintext. */
  readonly caPem?: string;
  /** Told when a host drain was asked for, so that it starts at once. */
  readonly onDrainRequested?: () => void;
}

export function adminHandlers(deps: AdminDeps): AdminHandlers {
  return {
    ...accountHandlers(deps.store, deps.control),
    ...hostHandlers(deps.store, deps.caPem ?? null, deps.onDrainRequested),
    ...resourceHandlers(deps.store, deps.control),
    ...serviceHandlers(deps.control),
    ...logHandlers(deps.control, deps.logPollMs),
    ...eventHandlers(deps.store, deps.eventPollMs),
  };
}

export interface AdminCalls {
  /** Runs a unary RPC for the caller whose `authorization` header values are given. */
  unary(rpc: AdminRpc, request: unknown, authorization: readonly unknown[]): Promise<unknown>;
  /**
   * Runs a streaming RPC until it ends, the client goes (abort `signal`) or the server closes;
   * rejects UNAUTHENTICATED when the token is revoked while it runs.
   */
  stream(rpc: AdminRpc, request: unknown, authorization: readonly unknown[], sink: CallSink): Promise<void>;
  /** Ends every open stream so that the servers can shut down gracefully. */
  closeStreams(): void;
}

export interface CallSink {
  /** Resolves once the message is handed to the transport (waits out back-pressure). */
  write(message: unknown): Promise<void>;
  /** Aborted when the client goes. */
  readonly signal: AbortSignal;
  /** Called once the call is authenticated and authorised, before the handler runs. */
  readonly onAdmitted?: () => void;
}

interface Admitted {
  readonly authorised: Authorised;
  readonly release: () => void;
}

export function adminCalls(deps: AdminDeps): AdminCalls {
  const handlers = adminHandlers(deps);
  const maxBytes = deps.maxRequestBytes ?? ADMIN_MAX_REQUEST_BYTES;
  const streams = new Set<AbortController>();
  const ownSessions = deps.sessions === undefined ? new TokenSessions({ store: deps.store }) : undefined;
  const sessions = deps.sessions ?? ownSessions!;

  /** Checks and authorises a call and holds its token's session slot until `release` is called. */
  async function admit(rpc: AdminRpc, request: unknown, authorization: readonly unknown[], onRevoked?: (reason: string) => void): Promise<Admitted> {
    const size = (AdminService[rpc].requestSerialize as (value: unknown) => Buffer)(request).length;
    if (size > maxBytes) throw new ApiError(status.RESOURCE_EXHAUSTED, `request: is ${size} bytes; the limit is ${maxBytes}`);
    const caller = await authenticate(deps.store.db, authorization);
    const unstorable = findUnstorableString(request);
    if (unstorable !== null) throw new InvalidInputError([unstorable]);
    const authorised = authorise(ADMIN_RPC_ACCESS[rpc], caller, request);
    return { authorised, release: sessions.hold(caller.id, onRevoked === undefined ? "call" : "stream", onRevoked) };
  }

  return {
    async unary(rpc, request, authorization) {
      const admitted = await admit(rpc, request, authorization);
      try {
        return await (handlers[rpc] as UnaryHandler<unknown, unknown>)(request, admitted.authorised);
      } finally {
        admitted.release();
      }
    },
    async stream(rpc, request, authorization, { write, signal, onAdmitted }) {
      const controller = new AbortController();
      const abort = () => controller.abort();
      signal.addEventListener("abort", abort);
      streams.add(controller);
      let revoked: string | undefined;
      let release = () => {};
      try {
        const admitted = await admit(rpc, request, authorization, (reason) => {
          revoked = reason;
          controller.abort();
        });
        release = admitted.release;
        onAdmitted?.();
        const sink: StreamSink<unknown> = { signal: controller.signal, write };
        await (handlers[rpc] as StreamHandler<unknown, unknown>)(request, admitted.authorised, sink);
        if (revoked !== undefined) throw new ApiError(status.UNAUTHENTICATED, revoked);
      } finally {
        release();
        streams.delete(controller);
        signal.removeEventListener("abort", abort);
      }
    },
    closeStreams() {
      for (const controller of streams) controller.abort();
      ownSessions?.close();
    },
  };
}
