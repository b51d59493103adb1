// Placement, first version (pure): all services of an account share one host; a public-cloud
// account without one gets the least-loaded public host that is up and not cordoned; a
// private-cloud account uses its own hosts.
import { type Cloud, type HostPool, type HostState } from "../store/vocabulary.js";

export interface PlacementHost {
  readonly name: string;
  readonly pool: HostPool;
  readonly ownerAccount: string | null;
  readonly state: HostState;
  readonly cordoned: boolean;
  readonly serviceCount: number;
  /** Why the host cannot run services as its config asks (account namespaces): it takes no new account. */
  readonly networkProblem?: string;
}

export interface PlacementRequest {
  readonly account: string;
  readonly cloud: Cloud;
  /** Hosts the account's existing services are placed on (normally zero or one). */
  readonly currentHosts: readonly string[];
  readonly hosts: readonly PlacementHost[];
}

export const PLACEMENT_REASONS = ["account-host", "least-loaded-public", "least-loaded-own", "no-public-host", "no-own-host"] as const;
export type PlacementReason = (typeof PLACEMENT_REASONS)[number];

export type PlacementDecision =
  | { readonly ok: true; readonly host: string; readonly reason: Extract<PlacementReason, "account-host" | "least-loaded-public" | "least-loaded-own"> }
  | { readonly ok: false; readonly reason: Extract<PlacementReason, "no-public-host" | "no-own-host">; readonly message: string };

/**
 * Fewest services first, then up before down, then by name so the choice is deterministic; names
 * in code-point order, as the store's candidate query orders them (collate "C").
 */
function byLoad(a: PlacementHost, b: PlacementHost): number {
  return a.serviceCount - b.serviceCount || Number(a.state === "down") - Number(b.state === "down") || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export function placeAccountService(request: PlacementRequest): PlacementDecision {
  const known = new Set(request.hosts.map((host) => host.name));
  // Keeping the account together wins over load and cordons: moving services is a separate act.
  const current = [...request.currentHosts].sort().find((name) => known.has(name));
  if (current !== undefined) return { ok: true, host: current, reason: "account-host" };
  if (request.cloud === "public") {
    const [best] = request.hosts.filter((host) => host.pool === "public" && host.state === "up" && !host.cordoned && !host.networkProblem).sort(byLoad);
    if (best === undefined) return { ok: false, reason: "no-public-host", message: "no public-pool host is up and accepting services (all down, cordoned or unable to give accounts their network)" };
    return { ok: true, host: best.name, reason: "least-loaded-public" };
  }
  // A private host that is down still takes the service: it starts when the host is back.
  const [own] = request.hosts.filter((host) => host.ownerAccount === request.account && !host.cordoned).sort(byLoad);
  if (own === undefined) return { ok: false, reason: "no-own-host", message: `private-cloud account ${request.account} has no host of its own that accepts services` };
  return { ok: true, host: own.name, reason: "least-loaded-own" };
}
