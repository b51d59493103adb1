// Finds the coordinator's CA from its SHA-256 pin (what `vigil host add` prints), as kubeadm's
// --discovery-token-ca-cert-hash does: the chain the server sends is trusted only if its CA matches.
import { createHash, X509Certificate } from "node:crypto";
import { connect, type DetailedPeerCertificate } from "node:tls";

export const CA_PIN_PATTERN = /^(sha256:)?[0-9a-f]{64}$/;

/** The PEM of the CA in the coordinator's chain whose DER hashes to `pin`; rejects if there is none. */
export function fetchPinnedCa(address: string, pin: string, timeoutMs = 10_000): Promise<string> {
  const expected = pin.replace(/^sha256:/, "").toLowerCase();
  const separator = address.lastIndexOf(":");
  const host = address.slice(0, separator).replace(/^\[(.*)\]$/, "$1");
  const port = Number(address.slice(separator + 1));
  return new Promise<string>((resolve, reject) => {
    // Unverified on purpose: nothing is sent on this connection, and its chain is checked against the pin below.
    const socket = connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ["h2"], ...(isName(host) && { servername: host }) }, () => {
      const chain = socket.getPeerCertificate(true);
      socket.end();
      const ca = findPinned(chain, expected);
      if (ca === null) reject(new Error(`ca_pin: the coordinator at ${address} presented no CA certificate with SHA-256 ${expected}`));
      else resolve(ca.toString());
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`ca_pin: no TLS answer from ${address} within ${timeoutMs} ms`)));
    socket.on("error", (error) => reject(new Error(`ca_pin: cannot reach ${address} over TLS: ${error.message}`)));
  });
}

function findPinned(leaf: DetailedPeerCertificate, expected: string): X509Certificate | null {
  if (leaf.raw === undefined) return null;
  let child = new X509Certificate(leaf.raw);
  let current: DetailedPeerCertificate | undefined = leaf.issuerCertificate;
  const seen = new Set<string>();
  while (current?.raw !== undefined && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    const cert = new X509Certificate(current.raw);
    // Each link must really be signed by the next: a pinned CA appended to an unrelated chain is not enough.
    if (!child.verify(cert.publicKey)) return null;
    if (createHash("sha256").update(cert.raw).digest("hex") === expected && cert.ca) return cert;
    child = cert;
    current = current.issuerCertificate;
  }
  return null;
}

function isName(host: string): boolean {
  return !/^[\d.]+$/.test(host) && !host.includes(":");
}
