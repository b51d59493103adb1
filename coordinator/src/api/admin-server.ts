// Registers the Admin service on a grpc-js Server (shared with AgentLink): each call is size-checked,
// authenticated, refused if a string is unstorable, authorised by the access table, run, mapped.
import { type Metadata, type sendUnaryData, type Server, type ServerUnaryCall, type ServerWritableStream, status, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { AdminService, InvalidInputError } from "@vigil/shared";
import { type ControlPlane } from "../control/control-plane.js";
import { type Store } from "../store/open-store.js";
import { ApiError, toApiStatus } from "./api-error.js";
import { authenticate } from "./authenticate.js";
import { type Authorised, authorise } from "./authorise.js";
import { accountHandlers } from "./handlers/account-handlers.js";
import { hostHandlers } from "./handlers/host-handlers.js";
import { eventHandlers } from "./handlers/event-handlers.js";
import { type AdminHandlers, type StreamHandler, type UnaryHandler } from "./handlers/handler-types.js";
import { logHandlers } from "./handlers/log-handlers.js";
import { resourceHandlers } from "./handlers/resource-handlers.js";
import { serviceHandlers } from "./handlers/service-handlers.js";
import { TokenSessions } from "../sessions/token-sessions.js";
import { ADMIN_RPC_ACCESS, type AdminRpc } from "./rpc-policy.js";
import { findUnstorableString } from "../store/storable-strings.js";

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
  /** The CA certificate `vigil host add` hands out for agents to verify this coordinator; absent when plaintext. */
  readonly caPem?: string;
}

export interface AdminRegistration {
  /** Ends every open stream (watch, follow) so that the server can shut down gracefully. */
  closeStreams(): void;
}

interface Admitted {
  readonly authorised: Authorised;
  readonly release: () => void;
}

export function adminHandlers(deps: AdminDeps): AdminHandlers {
  return {
    ...accountHandlers(deps.store),
    ...hostHandlers(deps.store, deps.caPem ?? null),
    ...resourceHandlers(deps.store, deps.control),
    ...serviceHandlers(deps.control),
    ...logHandlers(deps.control, deps.logPollMs),
    ...eventHandlers(deps.store, deps.eventPollMs),
  };
}

export function registerAdminService(server: Server, deps: AdminDeps): AdminRegistration {
  const handlers = adminHandlers(deps);
  const maxBytes = deps.maxRequestBytes ?? ADMIN_MAX_REQUEST_BYTES;
  const streams = new Set<AbortController>();
  const ownSessions = deps.sessions === undefined ? new TokenSessions({ store: deps.store }) : undefined;
  const sessions = deps.sessions ?? ownSessions!;

  /** Checks and authorises a call and holds its token's session slot until `release` is called. */
  async function admit(rpc: AdminRpc, request: unknown, metadata: Metadata, onRevoked?: (reason: string) => void): Promise<Admitted> {
    const size = (AdminService[rpc].requestSerialize as (value: unknown) => Buffer)(request).length;
    if (size > maxBytes) throw new ApiError(status.RESOURCE_EXHAUSTED, `request: is ${size} bytes; the limit is ${maxBytes}`);
    const caller = await authenticate(deps.store.db, metadata);
    const unstorable = findUnstorableString(request);
    if (unstorable !== null) throw new InvalidInputError([unstorable]);
    const authorised = authorise(ADMIN_RPC_ACCESS[rpc], caller, request);
    return { authorised, release: sessions.hold(caller.id, onRevoked === undefined ? "call" : "stream", onRevoked) };
  }

  const implementation: UntypedServiceImplementation = {};
  for (const rpc of Object.keys(AdminService) as AdminRpc[]) {
    if (AdminService[rpc].responseStream) {
      const handler = handlers[rpc] as StreamHandler<unknown, unknown>;
      implementation[rpc] = (call: ServerWritableStream<unknown, unknown>) => {
        const controller = new AbortController();
        streams.add(controller);
        call.on("cancelled", () => controller.abort());
        const sink = { signal: controller.signal, write: (message: unknown) => writeWithBackPressure(call, message) };
        let revoked: string | undefined;
        const onRevoked = (reason: string) => {
          revoked = reason;
          controller.abort();
        };
        let release = () => {};
        admit(rpc, call.request, call.metadata, onRevoked)
          .then((admitted) => {
            release = admitted.release;
            return handler(call.request, admitted.authorised, sink);
          })
          .then(() => (revoked === undefined ? undefined : Promise.reject(new ApiError(status.UNAUTHENTICATED, revoked))))
          .then(
            () => call.end(),
            (error: unknown) => {
              if (!call.cancelled) call.emit("error", toApiStatus(error));
            },
          )
          .finally(() => {
            release();
            streams.delete(controller);
          });
      };
    } else {
      const handler = handlers[rpc] as UnaryHandler<unknown, unknown>;
      implementation[rpc] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        admit(rpc, call.request, call.metadata)
          .then((admitted) => handler(call.request, admitted.authorised).finally(admitted.release))
          .then(
            (response) => callback(null, response),
            (error: unknown) => callback(toApiStatus(error)),
          );
      };
    }
  }
  server.addService(AdminService, implementation);
  return {
    closeStreams: () => {
      for (const controller of streams) controller.abort();
      ownSessions?.close();
    },
  };
}

function writeWithBackPressure(call: ServerWritableStream<unknown, unknown>, message: unknown): Promise<void> {
  if (call.cancelled) return Promise.resolve();
  return new Promise((resolve) => {
    if (call.write(message)) resolve();
    else call.once("drain", () => resolve());
  });
}
