// Which ends of an AgentLink stream are final: the coordinator refused this agent's token, and
// redialling with the same token cannot help. Everything else (UNAVAILABLE, ALREADY_EXISTS...) is retried.
import { status as GrpcStatus } from "@grpc/grpc-js";

export const REFUSAL_CODES: ReadonlySet<GrpcStatus> = new Set([GrpcStatus.UNAUTHENTICATED, GrpcStatus.PERMISSION_DENIED]);

export function isRefusal(code: GrpcStatus): boolean {
  return REFUSAL_CODES.has(code);
}
