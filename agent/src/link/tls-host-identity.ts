// The agent's side of the TLS bootstrap (kubelet-style): the key is made on this host (mode 0600,
// never sent), a certificate request goes to the coordinator with the one-time bootstrap token, and
// the certificate that comes back is kept beside the key for every later start.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { webcrypto } from "node:crypto";
import { type ChannelCredentials, credentials, Metadata } from "@grpc/grpc-js";
import type * as X509 from "@peculiar/x509";
import { AgentLinkClient, type HostCertificateResponse } from "@vigil/shared";

/**
 * @peculiar/x509, loaded only when a certificate is requested (once per host): it costs ~0.1 s of
 * every agent start otherwise. Its ASN.1 schemas resolve through tsyringe, which needs Reflect metadata.
 */
async function loadX509(): Promise<typeof X509> {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const TLS_DIR = "tls";
export const HOST_KEY_FILE = "host-key.pem";
export const HOST_CERT_FILE = "host.pem";
export const COORDINATOR_CA_FILE = "coordinator-ca.pem";

/** What the agent presents to its coordinator and verifies it with. */
export interface HostTlsIdentity {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface BootstrapOptions {
  readonly address: string;
  readonly hostName: string;
  /** The CA the coordinator's certificate must chain to. */
  readonly caPem: string;
  /** The one-time bootstrap token from `vigil host add`; needed only until the certificate is kept. */
  readonly bootstrapToken: string;
  readonly stateDir: string;
  readonly timeoutMs?: number;
}

/** The identity kept in the state directory, or null if this host has none yet. */
export function loadHostIdentity(stateDir: string): HostTlsIdentity | null {
  const dir = join(stateDir, TLS_DIR);
  const files = [COORDINATOR_CA_FILE, HOST_CERT_FILE, HOST_KEY_FILE].map((name) => join(dir, name));
  if (!files.every((file) => existsSync(file))) return null;
  const [caPem, certPem, keyPem] = files.map((file) => readFileSync(file, "utf8")) as [string, string, string];
  return { caPem, certPem, keyPem };
}

/** Exchanges the bootstrap token for a certificate (the key stays here) and keeps both; the kept identity on later starts. */
export async function bootstrapHostIdentity(options: BootstrapOptions): Promise<HostTlsIdentity> {
  const kept = loadHostIdentity(options.stateDir);
  if (kept !== null) return kept;
  if (options.bootstrapToken === "") throw new Error(`token: this host has no certificate in ${join(options.stateDir, TLS_DIR)} yet; give the bootstrap token of \`vigil host add ${options.hostName}\` (--token-file or VIGIL_TOKEN)`);
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const keyPem = `${x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY")}\n`;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${options.hostName}`, keys, signingAlgorithm: ALGORITHM });
  const response = await requestCertificate(options, csr.toString("pem"));
  const dir = join(options.stateDir, TLS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writeFileSync(join(dir, HOST_KEY_FILE), keyPem, { mode: 0o600 });
  chmodSync(join(dir, HOST_KEY_FILE), 0o600);
  writeFileSync(join(dir, COORDINATOR_CA_FILE), options.caPem, { mode: 0o644 });
  writeFileSync(join(dir, HOST_CERT_FILE), response.certificatePem, { mode: 0o644 });
  return { caPem: options.caPem, certPem: response.certificatePem, keyPem };
}

/** mTLS for the AgentLink: the coordinator must prove it holds a certificate of the CA, and this host its own. */
export function hostLinkCredentials(identity: HostTlsIdentity): ChannelCredentials {
  return credentials.createSsl(Buffer.from(identity.caPem), Buffer.from(identity.keyPem), Buffer.from(identity.certPem));
}

function requestCertificate(options: BootstrapOptions, csrPem: string): Promise<HostCertificateResponse> {
  // TLS without a client certificate: the coordinator is verified before the token is sent.
  const client = new AgentLinkClient(options.address, credentials.createSsl(Buffer.from(options.caPem)));
  return new Promise<HostCertificateResponse>((resolve, reject) => {
    client.requestHostCertificate(
      { hostName: options.hostName, bootstrapToken: options.bootstrapToken, csrPem },
      new Metadata(),
      { deadline: Date.now() + (options.timeoutMs ?? 15_000) },
      (error, response) => (error ? reject(new Error(`certificate request to ${options.address}: ${error.details || error.message}`)) : resolve(response)),
    );
  }).finally(() => client.close());
}
