// Placement (pure): all services of an account share one host; a public-cloud account without one
// gets the least-loaded public host that is up, not cordoned and has room; a private-cloud account
// uses its own hosts. A host's capacity (0: none) caps its services, whoever asks.
import { type Cloud, type HostPool, type HostState } from "../store/vocabulary.js";

export interface PlacementHost {
  readonly name: string;
  readonly pool: HostPool;
  readonly ownerAccount: string | null;
  readonly state: HostState;
  readonly cordoned: boolean;
  readonly serviceCount: number;
  /** The most services the host takes; 0 sets no limit. */
  readonly capacity: number;
  /** Why the host cannot run services as its config asks (account namespaces): it takes no new account. */
  readonly networkProblem?: string;
}

export interface PlacementRequest {
  readonly account: string;
  readonly cloud: Cloud;
  /** Hosts the account's existing services are placed on (normally zero or one). */
  readonly currentHosts: readonly string[];
  readonly hosts: readonly PlacementHost[];
  /** How many services are being placed together (default 1). */
  readonly newServices?: number;
}

export const PLACEMENT_REASONS = ["account-host", "least-loaded-public", "least-loaded-own", "no-public-host", "no-own-host", "host-full", "pool-full"] as const;
export type PlacementReason = (typeof PLACEMENT_REASONS)[number];

export type PlacementDecision =
  | { readonly ok: true; readonly host: string; readonly reason: Extract<PlacementReason, "account-host" | "least-loaded-public" | "least-loaded-own"> }
  | { readonly ok: false; readonly reason: Extract<PlacementReason, "no-public-host" | "no-own-host" | "host-full" | "pool-full">; readonly message: string };

/** True when `count` more services fit under the host's capacity. */
export function hasRoom(host: Pick<PlacementHost, "capacity" | "serviceCount">, count: number): boolean {
  return host.capacity === 0 || host.serviceCount + count <= host.capacity;
}

function fullMessage(host: PlacementHost, count: number): string {
  return `host ${host.name} is full: capacity ${host.capacity}, ${host.serviceCount} services placed, ${count} more asked`;
}

/**
 * Fewest services first, then up before down, then by name so the choice is deterministic; names
 * in code-point order, as the store's candidate query orders them (collate "C").
 */
function byLoad(a: PlacementHost, b: PlacementHost): number {
  return a.serviceCount - b.serviceCount || Number(a.state === "down") - Number(b.state === "down") || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export function placeAccountService(request: PlacementRequest): PlacementDecision {
  const count = request.newServices ?? 1;
  const byName = new Map(request.hosts.map((host) => [host.name, host]));
  // Keeping the account together wins over load and cordons (a cordon stops new accounts; moving an
  // account is `host drain`), but never over capacity.
  const current = [...request.currentHosts].sort().map((name) => byName.get(name)).find((host) => host !== undefined);
  if (current !== undefined) {
    return hasRoom(current, count) ? { ok: true, host: current.name, reason: "account-host" } : { ok: false, reason: "host-full", message: fullMessage(current, count) };
  }
  if (request.cloud === "public") {
    const open = request.hosts.filter((host) => host.pool === "public" && host.state === "up" && !host.cordoned && !host.networkProblem);
    const [best] = open.filter((host) => hasRoom(host, count)).sort(byLoad);
    if (best !== undefined) return { ok: true, host: best.name, reason: "least-loaded-public" };
    if (open.length > 0) return { ok: false, reason: "pool-full", message: `every public-pool host that accepts services is full (${count} more asked)` };
    return { ok: false, reason: "no-public-host", message: "no public-pool host is up and accepting services (all down, cordoned or unable to give accounts their network)" };
  }
  // A private host that is down still takes the service: it starts when the host is back.
  const owned = request.hosts.filter((host) => host.ownerAccount === request.account && !host.cordoned && !host.networkProblem);
  const [own] = owned.filter((host) => hasRoom(host, count)).sort(byLoad);
  if (own !== undefined) return { ok: true, host: own.name, reason: "least-loaded-own" };
  if (owned.length > 0) return { ok: false, reason: "pool-full", message: `every host of private-cloud account ${request.account} is full (${count} more asked)` };
  return { ok: false, reason: "no-own-host", message: `private-cloud account ${request.account} has no host of its own that accepts services` };
}
