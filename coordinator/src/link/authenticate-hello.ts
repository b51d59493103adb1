// Checks agents' Hellos. Plaintext (vigil up, --insecure): a host name and a token of scope "host"
// whose subject is that host. TLS: the client certificate names the host, and its credential is live.
// Every refusal reads the same to the caller, so a wrong token reveals nothing about hosts.
import { type Hello } from "@vigil/shared";
import { type Db } from "../store/db.js";
import { liveTokensById, type TokenIdentity, verifyTokens } from "../store/repositories/tokens.js";
import { type PeerHostIdentity } from "../tls/host-certificates.js";

export type HelloCheck = { readonly ok: true; readonly host: string; readonly tokenId: string | null } | { readonly ok: false; readonly message: string };

export const HOST_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/** How the link was opened: "plaintext", or over TLS with the verified client certificate's identity (null: none). */
export type LinkPeer = "plaintext" | PeerHostIdentity | null;

export interface PresentedHello {
  readonly hello: Hello;
  readonly peer: LinkPeer;
}

/** Checks many Hellos with two queries at most (tokens presented, certificates' credentials); one check per Hello, in order. */
export async function authenticateHellos(db: Db, presented: readonly PresentedHello[]): Promise<HelloCheck[]> {
  const tokens = await verifyTokens(db, presented.flatMap(({ hello, peer }) => (peer === "plaintext" ? [hello.token] : [])));
  const credentials = await liveTokensById(db, presented.flatMap(({ peer }) => (peer !== "plaintext" && peer?.credentialId ? [peer.credentialId] : [])));
  return presented.map(({ hello, peer }) => checkHello(hello, peer, tokens, credentials));
}

function checkHello(hello: Hello, peer: LinkPeer, tokens: ReadonlyMap<string, TokenIdentity>, credentials: ReadonlyMap<string, TokenIdentity>): HelloCheck {
  if (!HOST_NAME_PATTERN.test(hello.hostName)) return { ok: false, message: `host_name: must match ${HOST_NAME_PATTERN.source}` };
  if (peer === "plaintext") {
    const identity = tokens.get(hello.token);
    if (identity === undefined || identity.scope !== "host" || identity.subject !== hello.hostName) {
      return { ok: false, message: `token: not a valid host token for host ${hello.hostName}` };
    }
    return { ok: true, host: hello.hostName, tokenId: identity.id };
  }
  // Over TLS a token alone is not enough: a copied bootstrap token is spent, and a certificate's key never leaves its host.
  if (peer === null || peer.host !== hello.hostName) {
    return { ok: false, message: `certificate: the link needs a client certificate from this coordinator's CA naming host ${hello.hostName}` };
  }
  if (peer.credentialId === null) return { ok: true, host: peer.host, tokenId: null };
  const credential = credentials.get(peer.credentialId);
  if (credential === undefined || credential.scope !== "host" || credential.subject !== peer.host) {
    return { ok: false, message: `certificate: the credential of host ${hello.hostName} was revoked` };
  }
  return { ok: true, host: peer.host, tokenId: credential.id };
}
