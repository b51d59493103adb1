// Checks an agent's Hello: a host name and a token of scope "host" whose subject is that host.
// Every refusal reads the same to the caller, so a wrong token reveals nothing about hosts.
import { type Hello } from "@vigil/shared";
import { type Db } from "../store/db.js";
import { verifyToken } from "../store/repositories/tokens.js";

export type HelloCheck = { readonly ok: true; readonly host: string; readonly tokenId: string } | { readonly ok: false; readonly message: string };

const HOST_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export async function authenticateHello(db: Db, hello: Hello): Promise<HelloCheck> {
  if (!HOST_NAME_PATTERN.test(hello.hostName)) return { ok: false, message: `host_name: must match ${HOST_NAME_PATTERN.source}` };
  const identity = await verifyToken(db, hello.token);
  if (identity === null || identity.scope !== "host" || identity.subject !== hello.hostName) {
    return { ok: false, message: `token: not a valid host token for host ${hello.hostName}` };
  }
  return { ok: true, host: hello.hostName, tokenId: identity.id };
}
