// The firewall's closed vocabularies and limits, shared by the API edge (which stores rules), the
// store's CHECK constraints and the agent (which renders them into nftables).

export const FIREWALL_PROTOCOLS = ["tcp", "udp"] as const;
export type FirewallProtocol = (typeof FIREWALL_PROTOCOLS)[number];
export const FIREWALL_ACTIONS = ["accept", "drop"] as const;
export type FirewallAction = (typeof FIREWALL_ACTIONS)[number];
/** in: hosts are sources, ports are this host's ports; out: hosts are destinations, ports theirs. */
export const FIREWALL_DIRECTIONS = ["in", "out"] as const;
export type FirewallDirection = (typeof FIREWALL_DIRECTIONS)[number];
export const IP_VERSIONS = ["ipv4", "ipv6", "both"] as const;
export type IpVersion = (typeof IP_VERSIONS)[number];

/** More host or port entries than this do not belong in one rule (and bloat the host's ruleset). */
export const FIREWALL_MAX_ENTRIES = 64;
/** An account's rules all land in one ruleset on each of its hosts; more than this is refused. */
export const FIREWALL_MAX_RULES = 256;

/** Every account's port range (defined with the other limits); on private hosts it is closed from outside unless a rule opens it. */
export { PORT_RANGE } from "../spec/limits.js";
