// TLS bootstrap of a host (kubelet-style): a one-time bootstrap token and a certificate request
// become a client certificate naming the host and a fresh credential id that revocation can end.
import { X509Certificate } from "node:crypto";
import { type HostCertificateRequest, type HostCertificateResponse } from "@vigil/shared";
import { type Db } from "../store/db.js";
import { consumeToken, createToken, verifyToken } from "../store/repositories/tokens.js";
import { CertificateRequestError, HOST_CREDENTIAL_URI_PREFIX, type PemPair, signHostCertificate } from "./certificate-authority.js";

export type ExchangeOutcome = { readonly ok: true; readonly response: HostCertificateResponse } | { readonly ok: false; readonly message: string; readonly code: "unauthenticated" | "invalid" };

/** One answer for every token that is not a live bootstrap token of that host: it reveals nothing. */
const REFUSED = "bootstrap_token: not a valid, unused bootstrap token for this host";

export async function exchangeBootstrapToken(db: Db, issuer: PemPair, request: HostCertificateRequest): Promise<ExchangeOutcome> {
  const identity = await verifyToken(db, request.bootstrapToken);
  if (identity === null || identity.scope !== "host" || identity.subject !== request.hostName) return { ok: false, code: "unauthenticated", message: REFUSED };
  // The request is checked before the token is spent, so a malformed one does not burn it.
  const credential = await createToken(db, { scope: "host", subject: request.hostName, description: `certificate credential of host ${request.hostName} (from bootstrap token ${identity.id})` });
  let certificatePem: string;
  try {
    certificatePem = await signHostCertificate(issuer, request.csrPem, request.hostName, credential.record.id);
  } catch (error) {
    await consumeToken(db, credential.record.id);
    if (error instanceof CertificateRequestError) return { ok: false, code: "invalid", message: error.message };
    throw error;
  }
  // Single use: of two concurrent exchanges only one spends the token; the other's credential is revoked at once.
  if (!(await consumeToken(db, identity.id))) {
    await consumeToken(db, credential.record.id);
    return { ok: false, code: "unauthenticated", message: REFUSED };
  }
  return { ok: true, response: { certificatePem, caPem: issuer.certPem } };
}

/** Who the verified client certificate of a call names: a host, and the credential it was issued for (absent for the operator's own certificates). */
export interface PeerHostIdentity {
  readonly host: string;
  readonly credentialId: string | null;
}

/** Null when the call carries no certificate that chains to the coordinator's CA (TLS refused to authorise it). */
export function peerHostIdentity(call: { getAuthContext(): { sslPeerCertificate?: { raw?: Buffer } } }): PeerHostIdentity | null {
  const raw = call.getAuthContext().sslPeerCertificate?.raw;
  if (raw === undefined) return null;
  const cert = new X509Certificate(raw);
  const host = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  if (host === undefined) return null;
  const uri = (cert.subjectAltName ?? "").split(", ").find((name) => name.startsWith(`URI:${HOST_CREDENTIAL_URI_PREFIX}`));
  return { host, credentialId: uri === undefined ? null : uri.slice(`URI:${HOST_CREDENTIAL_URI_PREFIX}`.length) };
}
