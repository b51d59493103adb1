// Applies the access table to one call: scope first (PERMISSION_DENIED), then tenancy. Another
// account's name is answered NOT_FOUND, word for word as for an account that does not exist.
import { status } from "@grpc/grpc-js";
import { accountNotFound } from "../store/repositories/accounts.js";
import { ApiError } from "./api-error.js";
import { type Caller } from "./authenticate.js";
import { type RpcAccess } from "./rpc-policy.js";

/** The account a call acts on; undefined for operator RPCs and for operators' all-account lists. */
export interface Authorised {
  readonly caller: Caller;
  readonly account: string | undefined;
}

export function authorise(access: RpcAccess, caller: Caller, request: unknown): Authorised {
  if (caller.scope === "host") throw new ApiError(status.PERMISSION_DENIED, "authorization: host tokens may only connect agents");
  if (access.scope === "operator") {
    if (caller.scope !== "operator") throw new ApiError(status.PERMISSION_DENIED, "authorization: this call needs an operator token");
    return { caller, account: undefined };
  }
  const named = (access.account as (request: unknown) => string)(request);
  if (caller.scope === "account") {
    if (named !== "" && named !== caller.subject) throw accountNotFound(named);
    return { caller, account: caller.subject };
  }
  if (named === "" && access.scope === "account") throw new ApiError(status.INVALID_ARGUMENT, `${access.field}: is required with an operator token`);
  return { caller, account: named === "" ? undefined : named };
}

/** The account of a call whose access is "account" (never undefined there). */
export function requireAccount(authorised: Authorised): string {
  if (authorised.account === undefined) throw new ApiError(status.INTERNAL, "account-scoped call without an account");
  return authorised.account;
}
