// Typed failures of store operations, each naming the field it is about, so the API can map
// them to gRPC codes (NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED).
import { type FieldError, formatFieldError } from "@vigil/shared";

export const STORE_ERROR_CODES = ["not-found", "already-exists", "conflict", "port-exhausted"] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** Base of every store error; the message reads "<field>: <rule>" like validation errors. */
export abstract class StoreError extends Error implements FieldError {
  abstract readonly code: StoreErrorCode;
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(formatFieldError({ field, rule }));
    this.name = new.target.name;
  }
}

/** The thing named by `field` does not exist (or is not visible to the caller's account). */
export class NotFoundError extends StoreError {
  readonly code = "not-found";
}

/** A unique name or a requested port is already taken. */
export class AlreadyExistsError extends StoreError {
  readonly code: StoreErrorCode = "already-exists";
}

/** The operation contradicts the current state (e.g. renaming through an update). */
export class ConflictError extends StoreError {
  readonly code: StoreErrorCode = "conflict";
}

/** Every port of the account's range is allocated. */
export class PortExhaustedError extends ConflictError {
  override readonly code = "port-exhausted";
}
