// The coordinator's TLS material: the operator's own files, or a CA and server certificate created
// on first start in the state directory (keys mode 0600), and the gRPC server credentials made of it.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { experimental, type ServerCredentials } from "@grpc/grpc-js";
import { createCertificateAuthority, issueServerCertificate, type PemPair } from "./certificate-authority.js";

export interface CoordinatorTls {
  /** The CA that agents' certificates must chain to (and that agents verify the coordinator with). */
  readonly caPem: string;
  /** The server certificate chain and key. */
  readonly certPem: string;
  readonly keyPem: string;
  /** The CA with its key: host certificates can be issued. Null when the operator brought certificates without the CA key. */
  readonly issuer: PemPair | null;
}

export interface OwnTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** With it, `vigil host add` bootstraps agents with certificates from the operator's CA. */
  readonly caKeyFile?: string | null;
}

export const CA_CERT_FILE = "ca.pem";
const CA_KEY_FILE = "ca-key.pem";
const SERVER_CERT_FILE = "server.pem";
const SERVER_KEY_FILE = "server-key.pem";
const SERVER_NAMES_FILE = "server-names.json";

/** The names the created server certificate carries besides the configured ones. */
export function defaultServerNames(extra: readonly string[]): string[] {
  return [...new Set([...extra, hostname(), "localhost", "127.0.0.1", "::1"])];
}

/**
 * Reads the CA and server certificate from `dir`, creating what is missing. A server certificate
 * that lacks one of `names` is issued again, so a new --tls-name takes effect on the next start.
 */
export async function loadOrCreateCoordinatorTls(dir: string, names: readonly string[]): Promise<CoordinatorTls> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const caFile = join(dir, CA_CERT_FILE);
  const caKeyFile = join(dir, CA_KEY_FILE);
  if (!existsSync(caFile) || !existsSync(caKeyFile)) {
    const ca = await createCertificateAuthority();
    writePrivate(caKeyFile, ca.keyPem);
    writeFileSync(caFile, ca.certPem, { mode: 0o644 });
  }
  const issuer = { certPem: readFileSync(caFile, "utf8"), keyPem: readFileSync(caKeyFile, "utf8") };
  const certFile = join(dir, SERVER_CERT_FILE);
  const keyFile = join(dir, SERVER_KEY_FILE);
  const namesFile = join(dir, SERVER_NAMES_FILE);
  if (!existsSync(certFile) || !existsSync(keyFile) || !coversNames(namesFile, names)) {
    const server = await issueServerCertificate(issuer, names);
    writePrivate(keyFile, server.keyPem);
    // The chain includes the CA, so an agent given only the CA's pin can find and check it.
    writeFileSync(certFile, server.certPem + issuer.certPem, { mode: 0o644 });
    writeFileSync(namesFile, JSON.stringify(names), { mode: 0o644 });
  }
  return { caPem: issuer.certPem, certPem: readFileSync(certFile, "utf8"), keyPem: readFileSync(keyFile, "utf8"), issuer };
}

export function loadOwnCoordinatorTls(files: OwnTlsFiles): CoordinatorTls {
  const read = (path: string) => readFileSync(path, "utf8");
  const caPem = read(files.caFile);
  return {
    caPem,
    certPem: read(files.certFile),
    keyPem: read(files.keyFile),
    issuer: files.caKeyFile ? { certPem: caPem, keyPem: read(files.caKeyFile) } : null,
  };
}

/**
 * TLS for the one listener: a client certificate is asked for but not required (an agent without one
 * yet calls RequestHostCertificate; operators authenticate with tokens). One that does not chain to
 * the CA leaves the call without a peer certificate, and AgentLink refuses it.
 */
export function serverCredentials(tls: CoordinatorTls): ServerCredentials {
  const ca = Buffer.from(tls.caPem);
  const identity = { certificate: Buffer.from(tls.certPem), privateKey: Buffer.from(tls.keyPem) };
  // Told on the next tick: grpc-js registers its watcher only after adding these listeners, and would miss a synchronous answer.
  const provider: experimental.CertificateProvider = {
    addCaCertificateListener: (listener) => setImmediate(() => listener({ caCertificate: ca })),
    removeCaCertificateListener: () => {},
    addIdentityCertificateListener: (listener) => setImmediate(() => listener(identity)),
    removeIdentityCertificateListener: () => {},
  };
  return experimental.createCertificateProviderServerCredentials(provider, provider, false);
}

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The names the server certificate was issued for, kept beside it. */
function coversNames(namesFile: string, names: readonly string[]): boolean {
  try {
    const issued = JSON.parse(readFileSync(namesFile, "utf8")) as unknown;
    return Array.isArray(issued) && names.every((name) => issued.includes(name));
  } catch {
    return false;
  }
}
