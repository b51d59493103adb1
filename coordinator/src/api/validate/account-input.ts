// Validates an Account message from the Admin API into the store's account input; every broken
// field is reported at once ("uid: must not be 0 (root)"). Pure.
import { type Account, accountRuntimeFromProto, type Compiled, type FieldError } from "@vigil/shared";
import { type AccountInput } from "../../store/repositories/accounts.js";

/** Account names become host names (`services-<account>`) and path segments. */
export const ACCOUNT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
/** POSIX portable user names as useradd accepts them. */
export const UNIX_USER_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;
/** uid/gid 4294967295 is (uid_t)-1, "no change" to setuid and friends. */
const MAX_ID = 4_294_967_294;

export function compileAccountInput(message: Account | undefined): Compiled<AccountInput> {
  if (message === undefined) return { ok: false, errors: [{ field: "account", rule: "is required" }] };
  const runtime = accountRuntimeFromProto({ ...message, languageVersions: message.languageVersions });
  const errors: FieldError[] = runtime.ok ? [] : [...runtime.errors];
  if (message.name !== "" && !ACCOUNT_NAME_PATTERN.test(message.name)) errors.push({ field: "name", rule: `must match ${ACCOUNT_NAME_PATTERN.source}` });
  if (message.unixUser !== "" && !UNIX_USER_PATTERN.test(message.unixUser)) errors.push({ field: "unix_user", rule: `must match ${UNIX_USER_PATTERN.source}` });
  if (message.uid > MAX_ID) errors.push({ field: "uid", rule: `must be at most ${MAX_ID}` });
  if (message.gid > MAX_ID) errors.push({ field: "gid", rule: `must be at most ${MAX_ID}` });
  if (message.home.split("/").some((segment) => segment === "..")) errors.push({ field: "home", rule: "must not contain .. segments" });
  if (errors.length > 0 || !runtime.ok) return { ok: false, errors: errors.map((error) => ({ field: `account.${error.field}`, rule: error.rule })) };
  const { account, cloud } = runtime.value;
  return {
    ok: true,
    value: { name: account.name, cloud, unixUser: account.unixUser, uid: account.uid, gid: account.gid, home: account.home, environment: account.environment, languageVersions: account.languageVersions, limits: account.limits },
  };
}
