// Whether `vigil up` may write the user's CLI config: never over one that points at another
// running instance or at a coordinator of someone else's choosing (`vigil login`).
import { lockHolder } from "@vigil/agent";
import { type ClientConfig, readClientConfig, writeClientConfig } from "../operator/client-config.js";

export type ConfigClaim = { readonly written: true } | { readonly written: false; readonly reason: string };

/** Pure: may a `vigil up` on `stateDir` replace `existing`? `isLive` tells whether another up's state dir is in use. */
export function mayReplace(existing: ClientConfig, stateDir: string, isLive: (stateDir: string) => boolean): ConfigClaim {
  if (existing.address === undefined && existing.token === undefined) return { written: true };
  if (existing.upStateDir === stateDir) return { written: true };
  if (existing.upStateDir === undefined) return { written: false, reason: `it points at ${existing.address ?? "another coordinator"} (written by vigil login)` };
  if (isLive(existing.upStateDir)) return { written: false, reason: `it points at the vigil up running on ${existing.upStateDir}` };
  return { written: true };
}

export async function claimClientConfig(path: string, stateDir: string, config: ClientConfig): Promise<ConfigClaim> {
  let existing: ClientConfig;
  try {
    existing = await readClientConfig(path);
  } catch {
    return { written: false, reason: "it cannot be read as a CLI config" };
  }
  const claim = mayReplace(existing, stateDir, (other) => lockHolder(other) !== null);
  if (claim.written) await writeClientConfig(path, { ...config, upStateDir: stateDir });
  return claim;
}
