// Errors the Admin API raises itself (authentication, permission, tenancy, size), each carrying
// the gRPC status it is answered with, and the mapping of every other error to a status.
import { status } from "@grpc/grpc-js";
import { InvalidInputError } from "@vigil/shared";
import { CONTROL_ERROR_GRPC_STATUS, ControlError } from "../control/control-errors.js";
import { StoreError, type StoreErrorCode } from "../store/errors.js";

export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ApiStatus {
  readonly code: status;
  readonly details: string;
}

const STORE_STATUS: Readonly<Record<StoreErrorCode, status>> = {
  "not-found": status.NOT_FOUND,
  "already-exists": status.ALREADY_EXISTS,
  conflict: status.FAILED_PRECONDITION,
  "port-exhausted": status.RESOURCE_EXHAUSTED,
};

/**
 * The status a failed call answers with. Anything unrecognised is a bug: the caller gets
 * INTERNAL without internals, and the error goes to the coordinator's log.
 */
export function toApiStatus(error: unknown): ApiStatus {
  if (error instanceof ApiError) return { code: error.code, details: error.message };
  if (error instanceof InvalidInputError) return { code: status.INVALID_ARGUMENT, details: error.message };
  if (error instanceof StoreError) return { code: STORE_STATUS[error.code], details: error.message };
  if (error instanceof ControlError && error.code !== "internal") return { code: CONTROL_ERROR_GRPC_STATUS[error.code], details: error.message };
  process.emitWarning(`vigil admin: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: status.INTERNAL, details: "internal error" };
}
