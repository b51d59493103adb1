// First-start setup of `vigil up`: a default account for the current user (so a newcomer can
// create a service at once), the local host in the public pool with a fresh host token, and an
// operator token kept in the state directory.
import { chmodSync, chownSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { userInfo } from "node:os";
import { unreachableReason } from "./home-reachability.js";
import { createAccount, createToken, findAccount, listHosts, listTokens, registerHost, revokeToken, type Store } from "@vigil/coordinator";

/** The Unix identity services run as when `vigil up` runs as root: root itself is never an account. */
const NOBODY = { unixUser: "nobody", uid: 65_534, gid: 65_534 } as const;

export function defaultAccountName(): string {
  const name = userInfo().username.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^[^a-z]+/, "");
  return name === "" ? "local" : name.slice(0, 63);
}

/**
 * The account services of `vigil up` run as. As a normal user: that user, in its own home. As root:
 * nobody, with a home under `homesDir` (never inside the private state directory), checked to be
 * reachable by nobody before any service is created.
 */
export async function ensureDefaultAccount(store: Store, homesDir: string): Promise<string> {
  const name = defaultAccountName();
  const existing = await findAccount(store.db, name);
  const user = userInfo();
  if (user.uid !== 0) {
    if (existing === null) await createAccount(store.db, { name, cloud: "public", unixUser: user.username, uid: user.uid, gid: user.gid, home: user.homedir });
    return name;
  }
  const home = existing?.home ?? join(homesDir, name);
  if (existing === null) {
    mkdirSync(home, { recursive: true, mode: 0o755 });
    chownSync(home, NOBODY.uid, NOBODY.gid);
    chmodSync(home, 0o700);
  }
  const reason = unreachableReason(home, { name: NOBODY.unixUser, uid: NOBODY.uid, gid: NOBODY.gid });
  if (reason !== null) {
    throw new Error(`the home of account ${name}, ${home}, is not reachable by user ${NOBODY.unixUser} (uid ${NOBODY.uid}), who runs its services: ${reason}; choose a --homes-dir that ${NOBODY.unixUser} can enter`);
  }
  if (existing === null) await createAccount(store.db, { name, cloud: "public", ...NOBODY, home });
  return name;
}

/** Registers the host on first start; every start issues a new host token and revokes the old ones. */
export async function ensureLocalHost(store: Store, hostName: string): Promise<string> {
  if (!(await listHosts(store.db)).some((host) => host.name === hostName)) await registerHost(store.db, { name: hostName, pool: "public" });
  for (const token of await listTokens(store.db, { scope: "host", subject: hostName })) {
    if (token.revokedAt === null) await revokeToken(store.db, token.id);
  }
  return (await createToken(store.db, { scope: "host", subject: hostName, description: "vigil up: embedded agent" })).token;
}

/** The operator token saved at `path` by an earlier start, or a new one. */
export async function ensureOperatorToken(store: Store, path: string): Promise<string> {
  try {
    const saved = JSON.parse(readFileSync(path, "utf8")) as { token?: unknown };
    if (typeof saved.token === "string" && saved.token !== "") return saved.token;
  } catch {
    // No saved config yet (first start): issue a token below.
  }
  return (await createToken(store.db, { scope: "operator", description: "vigil up: local operator" })).token;
}
