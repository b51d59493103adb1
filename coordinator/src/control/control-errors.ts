// The typed failures of the application layer, one code per gRPC status the API returns, and the
// mapping from store and validation errors, so the Admin API and AgentLink map errors in one place.
import { status as GrpcStatus } from "@grpc/grpc-js";
import { type FieldError, formatFieldErrors, InvalidInputError } from "@vigil/shared";
import { databaseUnavailableMessage, databaseUnavailableReason } from "../store/database-unavailable.js";
import { StoreError, type StoreErrorCode } from "../store/errors.js";

export const CONTROL_ERROR_CODES = [
  "invalid-argument",
  "not-found",
  "already-exists",
  "failed-precondition",
  "resource-exhausted",
  "unavailable",
  "deadline-exceeded",
  "internal",
] as const;
export type ControlErrorCode = (typeof CONTROL_ERROR_CODES)[number];

/** The gRPC status each code becomes at the API edge. */
export const CONTROL_ERROR_GRPC_STATUS: Readonly<Record<ControlErrorCode, GrpcStatus>> = {
  "invalid-argument": GrpcStatus.INVALID_ARGUMENT,
  "not-found": GrpcStatus.NOT_FOUND,
  "already-exists": GrpcStatus.ALREADY_EXISTS,
  "failed-precondition": GrpcStatus.FAILED_PRECONDITION,
  "resource-exhausted": GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  "deadline-exceeded": GrpcStatus.DEADLINE_EXCEEDED,
  internal: GrpcStatus.INTERNAL,
};

/** Base of every application-layer error; the message is what the caller sees. */
export class ControlError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    /** For invalid-argument: every broken field, in input order. */
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = "ControlError";
  }
}

export class InvalidArgumentError extends ControlError {
  constructor(errors: readonly FieldError[]) {
    super("invalid-argument", formatFieldErrors(errors), errors);
  }
}

/** The host of the service has no connected agent: imperative commands cannot reach it. */
export class HostUnavailableError extends ControlError {
  constructor(readonly host: string | null, what: string) {
    super("unavailable", host === null ? `${what}: the service is not placed on a host` : `${what}: host ${host} is not connected`);
  }
}

const STORE_CODES: Readonly<Record<StoreErrorCode, ControlErrorCode>> = {
  "not-found": "not-found",
  "already-exists": "already-exists",
  conflict: "failed-precondition",
  "port-exhausted": "resource-exhausted",
};

/** Maps a store, validation or control failure (or the database being down) to a ControlError; anything else is internal. */
export function toControlError(error: unknown): ControlError {
  if (error instanceof ControlError) return error;
  if (error instanceof InvalidInputError) return new InvalidArgumentError(error.errors);
  if (error instanceof StoreError) return new ControlError(STORE_CODES[error.code], error.message, [{ field: error.field, rule: error.rule }]);
  const unavailable = databaseUnavailableReason(error);
  if (unavailable !== undefined) return new ControlError("unavailable", databaseUnavailableMessage(unavailable));
  return new ControlError("internal", error instanceof Error ? error.message : String(error));
}

/** An agent's CommandResult.error_code is a gRPC status name such as "NOT_FOUND". */
export function controlCodeFromStatusName(name: string): ControlErrorCode {
  const entry = Object.entries(CONTROL_ERROR_GRPC_STATUS).find(([, value]) => GrpcStatus[value] === name);
  return (entry?.[0] as ControlErrorCode | undefined) ?? "internal";
}

/** Runs `fn` and rethrows any failure as a ControlError. */
export async function asControlErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toControlError(error);
  }
}
