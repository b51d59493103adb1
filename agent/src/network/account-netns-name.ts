// Names of an account's network namespace and of the host end of its veth pair, derived from the
// agent instance and the account name. Account names are tenant input: only a hash of them and a
// reduced, lower-case copy of safe characters reach a name, so no name can carry an option or a path.
import { createHash } from "node:crypto";

export interface AccountNetnsNames {
  /** Under /run/netns: "vigil-<instance>-<hash>-<account, reduced>". */
  readonly netns: string;
  /** The host end of the veth pair, "vn<hash>" (14 characters, under IFNAMSIZ). */
  readonly hostVeth: string;
}

/** The namespace end of the veth pair: every account namespace has only this and lo. */
export const NAMESPACE_VETH = "vigil0";
/** Every host end starts so (the nftables rules match their interface group, not this). */
export const HOST_VETH_PREFIX = "vn";
const HASH_LENGTH = 12;
const INSTANCE = /^[a-z0-9]{1,16}$/;

/** The prefix every namespace of this agent instance has, so the agent finds (and only finds) its own. */
export function netnsPrefix(instance: string): string {
  if (!INSTANCE.test(instance)) throw new Error(`agent instance ${JSON.stringify(instance)} must be 1-16 lower-case letters and digits`);
  return `vigil-${instance}-`;
}

export function accountNetnsNames(instance: string, account: string): AccountNetnsNames {
  const hash = createHash("sha256").update(`${instance}\0${account}`).digest("hex").slice(0, HASH_LENGTH);
  const readable = account
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 24);
  return { netns: `${netnsPrefix(instance)}${hash}${readable === "" ? "" : `-${readable}`}`, hostVeth: `${HOST_VETH_PREFIX}${hash}` };
}

/** The host veth of a namespace of this instance found under /run/netns, or undefined when the name is not one of ours. */
export function hostVethOf(instance: string, netns: string): string | undefined {
  const prefix = netnsPrefix(instance);
  if (!netns.startsWith(prefix)) return undefined;
  const hash = netns.slice(prefix.length, prefix.length + HASH_LENGTH);
  return /^[0-9a-f]{12}$/.test(hash) ? `${HOST_VETH_PREFIX}${hash}` : undefined;
}
