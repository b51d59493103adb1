// Test support only: an account for a throwaway Unix user, with a fresh home per test case,
// and where that account's service logs live.
import { chownSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type AccountRuntime, NO_LIMITS } from "@vigil/shared";
import type { TestUser } from "../system/test-user.js";

let homes = 0;

/** A new, empty home directory owned by the user, and the account that lives in it. */
export function freshAccount(user: TestUser): AccountRuntime {
  const home = join(user.home, `home-${(homes += 1)}`);
  mkdirSync(home, { mode: 0o750 });
  chownSync(home, user.uid, user.gid);
  return { name: user.name, unixUser: user.name, uid: user.uid, gid: user.gid, home, environment: {}, languageVersions: {}, limits: NO_LIMITS };
}

export function servicesDir(account: AccountRuntime): string {
  return join(account.home, "admin", "logs", "services");
}
