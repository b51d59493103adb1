// One table from the Admin API's gRPC status to the HTTP status, and the JSON error body: the
// status name, the message, and each field with the rule it broke.
import { status } from "@grpc/grpc-js";
import { type FieldError, InvalidInputError } from "@vigil/shared";
import { type ApiStatus, toApiStatus } from "../api/api-error.js";

export const HTTP_STATUS: Readonly<Record<status, number>> = {
  [status.OK]: 200,
  [status.CANCELLED]: 499,
  [status.UNKNOWN]: 500,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 409,
  [status.ABORTED]: 409,
  [status.OUT_OF_RANGE]: 400,
  [status.UNIMPLEMENTED]: 501,
  [status.INTERNAL]: 500,
  [status.UNAVAILABLE]: 503,
  [status.DATA_LOSS]: 500,
  [status.UNAUTHENTICATED]: 401,
};

export interface HttpErrorBody {
  readonly error: {
    /** The gRPC status name, the same a gRPC client sees: NOT_FOUND, INVALID_ARGUMENT, ... */
    readonly code: string;
    readonly message: string;
    /** Every field at fault and the rule it broke (empty when the error is not about one field). */
    readonly fields: readonly FieldError[];
  };
}

/** Messages of the API read "<field>: <rule>", several joined by "; " (formatFieldErrors); a field is a dotted name. */
const FIELD_MESSAGE = /^([A-Za-z_][\w.[\]-]*): (.+)$/s;
const NEXT_FIELD = /; (?=[A-Za-z_][\w.[\]-]*: )/;

function fieldErrors(details: string): FieldError[] {
  const parts = details.split(NEXT_FIELD).map((part) => FIELD_MESSAGE.exec(part));
  return parts.every((match) => match !== null) ? parts.map((match) => ({ field: match![1]!, rule: match![2]! })) : [];
}

export function errorBody(apiStatus: ApiStatus, fields?: readonly FieldError[]): HttpErrorBody {
  return { error: { code: status[apiStatus.code], message: apiStatus.details, fields: fields ?? fieldErrors(apiStatus.details) } };
}

/** The HTTP status and body of any error a call raised. */
export function httpError(error: unknown): { readonly statusCode: number; readonly body: HttpErrorBody } {
  const apiStatus = toApiStatus(error);
  const fields = error instanceof InvalidInputError ? error.errors : undefined;
  return { statusCode: HTTP_STATUS[apiStatus.code], body: errorBody(apiStatus, fields) };
}

export const errorResponseSchema = {
  type: "object",
  description: "The status name (as gRPC names it), the message, and each field at fault with its rule.",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        fields: { type: "array", items: { type: "object", properties: { field: { type: "string" }, rule: { type: "string" } } } },
      },
    },
  },
} as const;
