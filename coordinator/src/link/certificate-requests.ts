// AgentLink's RequestHostCertificate: the TLS bootstrap exchange with gRPC statuses. Refused on a
// plaintext listener (a token must not cross the network in clear) and without the CA's key.
import { type ServiceError, status as GrpcStatus, Metadata } from "@grpc/grpc-js";
import { type HostCertificateRequest, type HostCertificateResponse } from "@vigil/shared";
import { type Db } from "../store/db.js";
import { type PemPair } from "../tls/certificate-authority.js";
import { exchangeBootstrapToken } from "../tls/host-certificates.js";

export interface LinkTls {
  /** The CA with its key; null when the operator's own certificates came without it (no bootstrap). */
  readonly issuer: PemPair | null;
}

export async function answerCertificateRequest(db: Db, tls: LinkTls | undefined, request: HostCertificateRequest): Promise<HostCertificateResponse> {
  if (tls === undefined) throw grpcError(GrpcStatus.FAILED_PRECONDITION, "this coordinator listens in plaintext; it issues no certificates");
  if (tls.issuer === null) throw grpcError(GrpcStatus.FAILED_PRECONDITION, "this coordinator has no CA key (--tls-ca-key); give the agent a certificate of your own");
  const outcome = await exchangeBootstrapToken(db, tls.issuer, request).catch(() => ({ ok: false as const, code: "unavailable" as const, message: "the coordinator could not issue the certificate; try again" }));
  if (outcome.ok) return outcome.response;
  const code = outcome.code === "invalid" ? GrpcStatus.INVALID_ARGUMENT : outcome.code === "unavailable" ? GrpcStatus.UNAVAILABLE : GrpcStatus.UNAUTHENTICATED;
  throw grpcError(code, outcome.message);
}

function grpcError(code: GrpcStatus, details: string): ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}
