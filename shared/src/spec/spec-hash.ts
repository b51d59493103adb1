// Stable fingerprints of compiled specs, independent of key order, so the agent can tell
// "nothing changed" from "the process must start again" without comparing objects by hand.
import type { CompiledServiceSpec, DesiredServiceSpec } from "./compiled-service-spec.js";

/** JSON with object keys sorted at every level; undefined properties are left out, as JSON does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** FNV-1a, 64 bits, over the UTF-16 code units: a fingerprint, not a defence against forgery. */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, "0");
}

/** Fingerprint of the whole spec: any change at all, annotation included, changes it. */
export function specHash(spec: CompiledServiceSpec): string {
  return fnv1a64(canonicalJson(spec));
}

/** Exact comparison (no hash collisions possible), independent of key order. */
export function sameSpec(a: CompiledServiceSpec, b: CompiledServiceSpec): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Fingerprint of what a running process was started with: command, directory, environment,
 * ports and the account identity it runs as. When it changes, the process must be restarted.
 * Health check, stop signal/timeout, annotation and is_disabled apply without a restart.
 */
export function launchFingerprint(desired: DesiredServiceSpec): string {
  // Every status and heartbeat asks again for the same spec object: hashed once per object.
  let fingerprint = fingerprints.get(desired);
  if (fingerprint === undefined) {
    fingerprint = computeLaunchFingerprint(desired);
    fingerprints.set(desired, fingerprint);
  }
  return fingerprint;
}

const fingerprints = new WeakMap<DesiredServiceSpec, string>();

function computeLaunchFingerprint(desired: DesiredServiceSpec): string {
  const { account, spec, ports } = desired;
  return fnv1a64(
    canonicalJson({
      account: {
        unixUser: account.unixUser,
        uid: account.uid,
        gid: account.gid,
        home: account.home,
        environment: account.environment,
        languageVersions: account.languageVersions,
      },
      command: spec.command,
      workingDirectory: spec.workingDirectory,
      environment: spec.environment,
      ports,
      // Only when set, so services without one keep the fingerprint they had before addresses existed.
      ...(desired.accountAddress ? { accountAddress: desired.accountAddress } : {}),
    }),
  );
}

/**
 * Whether an update of the spec restarts the running service: what launchFingerprint covers of the
 * spec itself. Limits are not among them: the agent writes them into the running service's cgroups.
 */
export function updateNeedsRestart(before: CompiledServiceSpec, after: CompiledServiceSpec): boolean {
  const launched = (spec: CompiledServiceSpec): string => canonicalJson({ command: spec.command, workingDirectory: spec.workingDirectory, environment: spec.environment });
  return launched(before) !== launched(after);
}
