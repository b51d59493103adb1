// Registers the Admin service on a grpc-js Server (shared with AgentLink): every RPC goes through
// the transport-neutral AdminCalls (admin-calls.ts); this file only maps gRPC calls and statuses.
import { type sendUnaryData, type Server, type ServerUnaryCall, type ServerWritableStream, status, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { AdminService } from "@vigil/shared";
import { type AdminCalls, adminCalls, type AdminDeps } from "./admin-calls.js";
import { toApiStatus } from "./api-error.js";
import { type AdminRpc } from "./rpc-policy.js";

export { ADMIN_MAX_REQUEST_BYTES, type AdminDeps } from "./admin-calls.js";

export interface AdminRegistration {
  /** Ends every open stream (watch, follow) so that the server can shut down gracefully. */
  closeStreams(): void;
}

/** Registers the Admin service; pass `calls` to share one AdminCalls (and its streams) with the HTTP API. */
export function registerAdminService(server: Server, deps: AdminDeps, calls: AdminCalls = adminCalls(deps)): AdminRegistration {
  // The gRPC method name ("CreateService", as in /vigil.v1.Admin/CreateService) and the code's name ("OK").
  const ended = (rpc: AdminRpc, code: status | undefined) => deps.onCallEnded?.(AdminService[rpc].path.slice(AdminService[rpc].path.lastIndexOf("/") + 1), status[code ?? status.UNKNOWN] ?? String(code));
  const implementation: UntypedServiceImplementation = {};
  for (const rpc of Object.keys(AdminService) as AdminRpc[]) {
    if (AdminService[rpc].responseStream) {
      implementation[rpc] = (call: ServerWritableStream<unknown, unknown>) => {
        const controller = new AbortController();
        call.on("cancelled", () => controller.abort());
        calls
          .stream(rpc, call.request, call.metadata.get("authorization"), { write: (message) => writeWithBackPressure(call, message), signal: controller.signal })
          .then(
            () => {
              ended(rpc, status.OK);
              call.end();
            },
            (error: unknown) => {
              const failure = toApiStatus(error);
              ended(rpc, call.cancelled ? status.CANCELLED : failure.code);
              if (!call.cancelled) call.emit("error", failure);
            },
          );
      };
    } else {
      implementation[rpc] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        calls.unary(rpc, call.request, call.metadata.get("authorization")).then(
          (response) => {
            ended(rpc, status.OK);
            callback(null, response);
          },
          (error: unknown) => {
            const failure = toApiStatus(error);
            ended(rpc, failure.code);
            callback(failure);
          },
        );
      };
    }
  }
  server.addService(AdminService, implementation);
  return { closeStreams: () => calls.closeStreams() };
}

function writeWithBackPressure(call: ServerWritableStream<unknown, unknown>, message: unknown): Promise<void> {
  if (call.cancelled) return Promise.resolve();
  return new Promise((resolve) => {
    if (call.write(message)) resolve();
    else call.once("drain", () => resolve());
  });
}
