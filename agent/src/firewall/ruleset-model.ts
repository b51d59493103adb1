// The nftables rules Vigil writes, as data: one model that the renderer prints as nft syntax and
// as a canonical string, and that a listing read back from the kernel is reduced to for comparing.
import { type IpFamily, type IpInterval, type PortRange } from "@vigil/shared";

/** Vigil's own table; nothing else on the host is ever touched. */
export const NFT_TABLE_FAMILY = "inet";
export const NFT_TABLE_NAME = "vigil";
export const NFT_TABLE = `${NFT_TABLE_FAMILY} ${NFT_TABLE_NAME}`;

export type AddressKey = "ip saddr" | "ip daddr" | "ip6 saddr" | "ip6 daddr";
export type PortKey = "tcp dport" | "udp dport";

export type RuleMatch =
  | { readonly kind: "words"; readonly key: "meta iifname" | "meta oifname" | "ct state" | "meta nfproto" | "meta l4proto"; readonly values: readonly string[] }
  | { readonly kind: "addresses"; readonly key: AddressKey; readonly family: IpFamily; readonly intervals: readonly IpInterval[] }
  | { readonly kind: "ports"; readonly key: PortKey; readonly ranges: readonly PortRange[] };

export interface ModelRule {
  readonly matches: readonly RuleMatch[];
  readonly verdict: "accept" | "drop";
  readonly comment?: string;
}

export interface ModelChain {
  readonly name: "input" | "output";
  readonly rules: readonly ModelRule[];
}

/** What the table must look like: per chain (by name) its header and its rules, canonical. */
export interface CanonicalTable {
  readonly chains: Readonly<Record<string, { readonly header: string; readonly rules: readonly string[] }>>;
}

/** type/hook/priority/policy, as `nft -j` reports a base chain. */
export function chainHeader(hook: string, priority: number, policy: string): string {
  return `filter/${hook}/${priority}/${policy}`;
}

export function canonicalAddresses(intervals: readonly { first: bigint; last: bigint }[]): string {
  return intervals.map(({ first, last }) => `${first.toString(16)}-${last.toString(16)}`).join(",");
}

export function canonicalPorts(ranges: readonly PortRange[]): string {
  return ranges.map(({ first, last }) => `${first}-${last}`).join(",");
}

function canonicalMatch(match: RuleMatch): string {
  if (match.kind === "addresses") return `${match.key}=${canonicalAddresses(match.intervals)}`;
  if (match.kind === "ports") return `${match.key}=${canonicalPorts(match.ranges)}`;
  return `${match.key}=${[...match.values].sort().join(",")}`;
}

export function canonicalRule(rule: ModelRule): string {
  return [...rule.matches.map(canonicalMatch), rule.verdict, ...(rule.comment === undefined ? [] : [`#${rule.comment}`])].join(" ");
}
