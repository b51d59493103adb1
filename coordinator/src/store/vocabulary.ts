// The closed vocabularies the store persists (clouds, pools, host states, scopes); the port range
// and the firewall words come from @vigil/shared.
// Each is a constant tuple plus its string-literal union; the tables turn them into CHECK constraints.
// Service states and event kinds are the agent's words too: they live in @vigil/shared.

export const CLOUDS = ["public", "private"] as const;
/** Public-cloud accounts share the public host pool; private-cloud accounts own their hosts. */
export type Cloud = (typeof CLOUDS)[number];

export const HOST_POOLS = ["public", "private"] as const;
export type HostPool = (typeof HOST_POOLS)[number];

export const HOST_STATES = ["up", "down"] as const;
/** "down" once the host has missed its heartbeats; set back to "up" by the next hello or heartbeat. */
export type HostState = (typeof HOST_STATES)[number];

export const DESIRED_STATES = ["running", "stopped"] as const;
/** What the user asked for; whether it actually runs is the service status. */
export type DesiredState = (typeof DESIRED_STATES)[number];

export const TOKEN_SCOPES = ["operator", "account", "host"] as const;
/** operator: everything; account: one account's resources; host: AgentLink as that host only. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];

// The firewall's words are the agent's too: they live in @vigil/shared.
export { FIREWALL_ACTIONS, FIREWALL_DIRECTIONS, FIREWALL_PROTOCOLS, IP_VERSIONS, PORT_RANGE } from "@vigil/shared";
export type { FirewallAction, FirewallDirection, FirewallProtocol, IpVersion } from "@vigil/shared";

