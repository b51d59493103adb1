// First-start setup of `vigil up`: a default account for the current user (so a newcomer can
// create a service at once), the local host in the public pool with a fresh host token, and an
// operator token kept in the state directory.
import { chmodSync, chownSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { userInfo } from "node:os";
import { createAccount, createToken, findAccount, listHosts, listTokens, registerHost, revokeToken, type Store } from "@vigil/coordinator";

/** The Unix identity services run as when `vigil up` runs as root: root itself is never an account. */
const NOBODY = { unixUser: "nobody", uid: 65_534, gid: 65_534 } as const;

export function defaultAccountName(): string {
  const name = userInfo().username.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^[^a-z]+/, "");
  return name === "" ? "local" : name.slice(0, 63);
}

export async function ensureDefaultAccount(store: Store, stateDir: string): Promise<string> {
  const name = defaultAccountName();
  if ((await findAccount(store.db, name)) !== null) return name;
  const user = userInfo();
  if (user.uid !== 0) {
    await createAccount(store.db, { name, cloud: "public", unixUser: user.username, uid: user.uid, gid: user.gid, home: user.homedir });
    return name;
  }
  // nobody must pass through the state directory to reach its home; 0711 still hides its listing.
  chmodSync(stateDir, 0o711);
  const home = join(stateDir, "home", name);
  mkdirSync(home, { recursive: true, mode: 0o755 });
  chmodSync(join(stateDir, "home"), 0o755);
  chownSync(home, NOBODY.uid, NOBODY.gid);
  await createAccount(store.db, { name, cloud: "public", ...NOBODY, home });
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
