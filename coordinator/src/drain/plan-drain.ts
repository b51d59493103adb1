// Drain planning (pure): where each account on a draining host goes. Each account is placed as a new
// account of its pool would be (least-loaded public host, or another host of a private account's
// own), never on the drained host, with room for all its services; earlier choices count as load.
import { placeAccountService, type PlacementHost } from "../placement/place-account.js";
import { type Cloud } from "../store/vocabulary.js";

export interface DrainAccount {
  readonly account: string;
  readonly cloud: Cloud;
  readonly serviceCount: number;
}

export interface DrainPlan {
  readonly moves: readonly { readonly account: string; readonly to: string }[];
  /** Accounts that fit nowhere, with the placement's reason in words. */
  readonly misfits: readonly { readonly account: string; readonly message: string }[];
}

export function planDrain(drained: string, accounts: readonly DrainAccount[], hosts: readonly PlacementHost[]): DrainPlan {
  const load = new Map(hosts.filter((host) => host.name !== drained).map((host) => [host.name, host]));
  const moves: DrainPlan["moves"][number][] = [];
  const misfits: DrainPlan["misfits"][number][] = [];
  for (const { account, cloud, serviceCount } of accounts) {
    const decision = placeAccountService({ account, cloud, currentHosts: [], hosts: [...load.values()], newServices: serviceCount });
    if (!decision.ok) {
      misfits.push({ account, message: decision.message });
      continue;
    }
    moves.push({ account, to: decision.host });
    const target = load.get(decision.host)!;
    load.set(decision.host, { ...target, serviceCount: target.serviceCount + serviceCount });
  }
  return { moves, misfits };
}

/** "alice: every public-pool host ... is full; bob: ..." */
export function describeMisfits(misfits: DrainPlan["misfits"]): string {
  return misfits.map((misfit) => `${misfit.account}: ${misfit.message}`).join("; ");
}
