// The addresses of accounts on a public host: the host's IPv6 prefix, the n-th address in it (the
// coordinator hands out the lowest free n per host) and the private IPv4 each account's namespace
// uses for outbound traffic (100.64.0.0/10 + n, masqueraded). Pure: the coordinator and agent share it.
import { formatIp, parseIpInterval } from "../firewall/ip-interval.js";

/** Prefix lengths a host may give: room for many accounts, and a whole /64 at most. */
export const ACCOUNT_PREFIX_LENGTHS = { shortest: 64, longest: 120 } as const;
/** Index n is mapped into 100.64.0.0/10 for IPv4 egress, so it stays below 2^22. */
export const MAX_ACCOUNT_ADDRESS_INDEX = 2 ** 22 - 2;
const EGRESS_V4_BASE = 0x64400000n; // 100.64.0.0

export interface AccountPrefix {
  /** Canonical text, e.g. "2001:db8:a::/64". */
  readonly text: string;
  readonly first: bigint;
  readonly last: bigint;
}

/** A rule the prefix breaks, or the parsed prefix. */
export function parseAccountPrefix(text: string): AccountPrefix | string {
  if (!text.includes("/")) return `must be an IPv6 prefix such as 2001:db8:a::/64 (got ${JSON.stringify(text)})`;
  const interval = parseIpInterval(text);
  if (interval === undefined || interval.family !== 6) return `must be an IPv6 prefix such as 2001:db8:a::/64 (got ${JSON.stringify(text)})`;
  const length = 128 - (interval.last - interval.first).toString(2).length;
  const bits = interval.last === interval.first ? 128 : length;
  if (bits < ACCOUNT_PREFIX_LENGTHS.shortest || bits > ACCOUNT_PREFIX_LENGTHS.longest) {
    return `must be a /${ACCOUNT_PREFIX_LENGTHS.shortest} to /${ACCOUNT_PREFIX_LENGTHS.longest} (got /${bits})`;
  }
  return { text: `${formatIp(6, interval.first)}/${bits}`, first: interval.first, last: interval.last };
}

/** How many account addresses the prefix holds (index 0, the prefix's own address, is never given). */
export function accountAddressCapacity(prefix: AccountPrefix): number {
  const size = prefix.last - prefix.first;
  return Number(size < BigInt(MAX_ACCOUNT_ADDRESS_INDEX) ? size : BigInt(MAX_ACCOUNT_ADDRESS_INDEX));
}

/** The index-th address of the prefix (1-based). */
export function accountAddressAt(prefix: AccountPrefix, index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > accountAddressCapacity(prefix)) throw new RangeError(`account address index ${index} is outside 1-${accountAddressCapacity(prefix)} of ${prefix.text}`);
  return formatIp(6, prefix.first + BigInt(index));
}

/** The inverse of accountAddressAt, or undefined when the address is not an account address of the prefix. */
export function accountAddressIndex(prefix: AccountPrefix, address: string): number | undefined {
  const parsed = parseIpInterval(address);
  if (parsed === undefined || parsed.family !== 6 || address.includes("/")) return undefined;
  if (parsed.first <= prefix.first || parsed.first > prefix.last) return undefined;
  const index = Number(parsed.first - prefix.first);
  return index <= accountAddressCapacity(prefix) ? index : undefined;
}

/** The private IPv4 of the account's namespace (outbound only, masqueraded by the host). */
export function egressIpv4(index: number): string {
  return formatIp(4, EGRESS_V4_BASE + BigInt(index));
}

/** 100.64.0.0/10: what the host masquerades, and what it never forwards inbound. */
export const EGRESS_V4_RANGE = "100.64.0.0/10";
