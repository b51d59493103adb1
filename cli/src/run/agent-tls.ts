// How `vigil agent` reaches its coordinator: plaintext (loopback, or --insecure) with its host token,
// mTLS with the operator's own certificate, or mTLS with a certificate from the bootstrap token,
// the coordinator verified by --ca-file or --ca-pin (kept in the state directory afterwards). With
// several coordinator replicas, the first one that answers does the bootstrap.
import { readFileSync } from "node:fs";
import { type ChannelCredentials, credentials } from "@grpc/grpc-js";
import { bootstrapHostIdentity, fetchPinnedCa, hostLinkCredentials, loadHostIdentity } from "@vigil/agent";
import { type CompiledAgentConfig } from "@vigil/shared";
import { ConfigError } from "../config/load-settings.js";
import { readTokenFile } from "./secret-flags.js";

export interface AgentLinkSecurity {
  /** Undefined: plaintext. */
  readonly credentials?: ChannelCredentials;
  /** The host token said in Hello; "" over TLS, where the certificate speaks for the host. */
  readonly token: string;
  readonly description: string;
}

export async function agentLinkSecurity(config: CompiledAgentConfig): Promise<AgentLinkSecurity> {
  const tls = config.tls;
  const token = () => (config.tokenFile === null ? config.token : readTokenFile(config.tokenFile));
  if (tls.mode === "plaintext") {
    const value = token();
    if (value === "") throw new ConfigError("token: is required (--token-file, or the token in VIGIL_TOKEN)");
    return { token: value, description: "plaintext" };
  }
  if (tls.mode === "own") {
    const read = (path: string, field: string) => {
      try {
        return readFileSync(path);
      } catch (error) {
        throw new ConfigError(`${field}: cannot read ${path}: ${(error as Error).message}`);
      }
    };
    return { token: "", credentials: credentials.createSsl(read(tls.caFile, "ca_file"), read(tls.keyFile, "tls_key"), read(tls.certFile, "tls_cert")), description: "mTLS (own certificate)" };
  }
  const kept = loadHostIdentity(config.stateDir);
  if (kept !== null) return { token: "", credentials: hostLinkCredentials(kept), description: "mTLS (kept certificate)" };
  const caPin = tls.caPin;
  const caPem = tls.caFile !== null ? readFileSync(tls.caFile, "utf8") : caPin !== null ? await firstAnswering(config.coordinators, (address) => fetchPinnedCa(address, caPin)) : null;
  if (caPem === null) throw new ConfigError(`ca_file: the coordinator ${config.coordinators.join(", ")} is not on loopback: give --ca-file or --ca-pin (printed by vigil host add) to verify it, or --insecure`);
  const identity = await firstAnswering(config.coordinators, (address) => bootstrapHostIdentity({ address, hostName: config.hostName, bootstrapToken: token(), caPem, stateDir: config.stateDir }));
  return { token: "", credentials: hostLinkCredentials(identity), description: "mTLS (certificate from the bootstrap token)" };
}

/** `attempt` on each replica in turn until one succeeds; the last failure (naming every address tried) otherwise. */
async function firstAnswering<T>(addresses: readonly string[], attempt: (address: string) => Promise<T>): Promise<T> {
  const failures: string[] = [];
  for (const address of addresses) {
    try {
      return await attempt(address);
    } catch (error) {
      if (addresses.length === 1) throw error;
      failures.push(`${address}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`no coordinator answered (${failures.join("; ")})`);
}
