// The coordinator's certificate authority: creates the CA and the server certificate, and signs a
// host's certificate request for exactly that host (CN and DNS name), bound to its credential id.
import { webcrypto } from "node:crypto";
import type * as X509 from "@peculiar/x509";
import { loadX509 } from "./load-x509.js";

type CryptoKey = webcrypto.CryptoKey;

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
/** A host certificate names the credential it was issued for, so revoking that credential ends it. */
export const HOST_CREDENTIAL_URI_PREFIX = "urn:vigil:host-credential:";

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

export async function createCertificateAuthority(commonName = "Vigil coordinator CA", validDays = 3_650): Promise<PemPair> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + validDays * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pemText(cert.toString("pem")), keyPem: await privateKeyPem(keys.privateKey) };
}

/** The coordinator's own certificate for `names` (DNS names or IP addresses), signed by the CA. */
export async function issueServerCertificate(ca: PemPair, names: readonly string[], validDays = 825): Promise<PemPair> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await signLeaf(ca, {
    subject: `CN=${names[0] ?? "vigil-coordinator"}`,
    publicKey: keys.publicKey,
    validDays,
    names,
    usage: x509.ExtendedKeyUsage.serverAuth,
  });
  return { certPem: pemText(cert.toString("pem")), keyPem: await privateKeyPem(keys.privateKey) };
}

/** Signs a host's PKCS #10 request: the name comes from the coordinator, never from the request. */
export async function signHostCertificate(ca: PemPair, csrPem: string, hostName: string, credentialId: string, validDays = 365): Promise<string> {
  const x509 = await loadX509();
  let csr: X509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new CertificateRequestError("csr: is not a PEM PKCS #10 certificate request");
  }
  if (!(await csr.verify())) throw new CertificateRequestError("csr: its signature does not match its public key");
  const publicKey = await csr.publicKey.export(ALGORITHM, ["verify"]).catch(() => {
    throw new CertificateRequestError("csr: the key must be ECDSA P-256");
  });
  const cert = await signLeaf(ca, {
    subject: `CN=${hostName}`,
    publicKey,
    validDays,
    names: [hostName],
    uris: [`${HOST_CREDENTIAL_URI_PREFIX}${credentialId}`],
    usage: x509.ExtendedKeyUsage.clientAuth,
  });
  return pemText(cert.toString("pem"));
}

export class CertificateRequestError extends Error {}

interface Leaf {
  readonly subject: string;
  readonly publicKey: CryptoKey;
  readonly validDays: number;
  readonly names: readonly string[];
  readonly uris?: readonly string[];
  readonly usage: X509.ExtendedKeyUsageType;
}

async function signLeaf(ca: PemPair, leaf: Leaf): Promise<X509.X509Certificate> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importPrivateKey(ca.keyPem);
  const altNames = [
    ...leaf.names.map((name) => ({ type: isIpAddress(name) ? ("ip" as const) : ("dns" as const), value: name })),
    ...(leaf.uris ?? []).map((value) => ({ type: "url" as const, value })),
  ];
  return x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: leaf.subject,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + leaf.validDays * DAY_MS),
    signingKey: caKey,
    publicKey: leaf.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([leaf.usage], false),
      new x509.SubjectAlternativeNameExtension(altNames, false),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return pemText((await loadX509()).PemConverter.encode(der, "PRIVATE KEY"));
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey("pkcs8", (await loadX509()).PemConverter.decodeFirst(pem), ALGORITHM, false, ["sign"]);
}

/** PEM ending in a newline, so that concatenated PEMs (a chain) stay readable to OpenSSL. */
export function pemText(pem: string): string {
  return pem.endsWith("\n") ? pem : `${pem}\n`;
}

function serial(): string {
  // Positive 16-byte serial: the high bit clear, as RFC 5280 asks.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString("hex");
}

function isIpAddress(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(":");
}
