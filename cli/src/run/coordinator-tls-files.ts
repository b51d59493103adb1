// The TLS material `vigil coordinator` starts with: created in its state directory on first start,
// or the operator's own files; null for plaintext (loopback, or --insecure).
import { join } from "node:path";
import { caFingerprint, CA_CERT_FILE, type CoordinatorTls, defaultServerNames, loadOrCreateCoordinatorTls, loadOwnCoordinatorTls } from "@vigil/coordinator";
import { type CoordinatorTlsConfig } from "@vigil/shared";
import { ConfigError } from "../config/load-settings.js";

export async function coordinatorTls(config: CoordinatorTlsConfig): Promise<CoordinatorTls | null> {
  try {
    if (config.mode === "plaintext") return null;
    if (config.mode === "own") return loadOwnCoordinatorTls(config);
    return await loadOrCreateCoordinatorTls(join(config.dir, "tls"), defaultServerNames(config.names));
  } catch (error) {
    throw new ConfigError(`tls: ${(error as Error).message}`);
  }
}

export function describeTls(config: CoordinatorTlsConfig, tls: CoordinatorTls | null): string {
  if (tls === null) return "plaintext listener (loopback or --insecure): tokens cross the network in clear";
  const where = config.mode === "created" ? `CA ${join(config.dir, "tls", CA_CERT_FILE)}` : "the operator's certificates";
  const bootstrap = tls.issuer === null ? "; no CA key: hosts need certificates of your own" : "";
  return `TLS with ${where} (sha256 ${caFingerprint(tls.caPem)})${bootstrap}`;
}
