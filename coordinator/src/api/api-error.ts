// Errors the Admin API raises itself (authentication, permission, tenancy, size), each carrying
// the gRPC status it is answered with, and the mapping of every other error to a status.
import { status } from "@grpc/grpc-js";
import { InvalidInputError } from "@vigil/shared";
import { CONTROL_ERROR_GRPC_STATUS, ControlError } from "../control/control-errors.js";
import { databaseUnavailableMessage, databaseUnavailableReason, innermostMessage } from "../store/database-unavailable.js";
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

/** During an outage every call fails alike: the log gets one line per interval, not one per call. */
const OUTAGE_LOG_INTERVAL_MS = 10_000;
let lastOutageLog = -Infinity;

/**
 * The status a failed call answers with. The database being down is UNAVAILABLE (a client may
 * retry); anything else unrecognised is a bug: INTERNAL without internals, the error logged.
 */
export function toApiStatus(error: unknown): ApiStatus {
  if (error instanceof ApiError) return { code: error.code, details: error.message };
  if (error instanceof InvalidInputError) return { code: status.INVALID_ARGUMENT, details: error.message };
  if (error instanceof StoreError) return { code: STORE_STATUS[error.code], details: error.message };
  if (error instanceof ControlError && error.code !== "internal") return { code: CONTROL_ERROR_GRPC_STATUS[error.code], details: error.message };
  const unavailable = databaseUnavailableReason(error);
  if (unavailable !== undefined) {
    if (Date.now() - lastOutageLog >= OUTAGE_LOG_INTERVAL_MS) {
      lastOutageLog = Date.now();
      process.emitWarning(`vigil admin: ${databaseUnavailableMessage(unavailable)} (${innermostMessage(error)}); further failures in the next ${OUTAGE_LOG_INTERVAL_MS / 1000} s are not logged`);
    }
    return { code: status.UNAVAILABLE, details: databaseUnavailableMessage(unavailable) };
  }
  process.emitWarning(`vigil admin: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: status.INTERNAL, details: "internal error" };
}
