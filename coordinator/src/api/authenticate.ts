// Who is calling: the bearer token of the "authorization" header (gRPC metadata or HTTP), verified
// against the store's hashed tokens. Missing, malformed, unknown and revoked tokens are all UNAUTHENTICATED.
import { status } from "@grpc/grpc-js";
import { type Db } from "../store/db.js";
import { type TokenIdentity, verifyToken } from "../store/repositories/tokens.js";
import { ApiError } from "./api-error.js";

export type Caller = TokenIdentity;

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

/** The token of `Bearer <token>` (the header's values as given), or an UNAUTHENTICATED error saying what is wrong. */
export function bearerToken(values: readonly unknown[]): string {
  if (values.length === 0) throw new ApiError(status.UNAUTHENTICATED, "authorization: a bearer token is required");
  const match = values.length === 1 && typeof values[0] === "string" ? BEARER.exec(values[0]) : null;
  if (!match?.[1]) throw new ApiError(status.UNAUTHENTICATED, "authorization: must be a single `Bearer <token>` value");
  return match[1];
}

export async function authenticate(db: Db, authorization: readonly unknown[]): Promise<Caller> {
  const identity = await verifyToken(db, bearerToken(authorization));
  if (!identity) throw new ApiError(status.UNAUTHENTICATED, "authorization: the token is unknown or revoked");
  return identity;
}
