// Drain planning (pure): where each account on a draining host goes. Each account is placed as a new
// account of its pool would be (least-loaded public host, or another host of a private account's
// own), never on the drained host and only on a host that is up (a move to a down host would leave
// the account running nowhere), with room for all its services; earlier choices count as load.
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
  const load = new Map(hosts.filter((host) => host.name !== drained && host.state === "up").map((host) => [host.name, host]));
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

/** A move under way: the account, its pool and how many services it has on the host it leaves. */
export interface MoveUnderWay extends DrainAccount {
  readonly from: string;
  /** The target chosen when the move began. */
  readonly to: string;
}

export type Retarget = { readonly ok: true; readonly to: string; /** Why the first target was given up ("" : it was kept). */ readonly why: string } | { readonly ok: false; readonly message: string };

/**
 * Where a move whose services stopped on the old host places them now: its target while that is still
 * up, open and with room; otherwise the host the plan would choose now (the target went down or was
 * cordoned meanwhile); a failure in words when no host of the pool fits any more.
 */
export function retargetMove(move: MoveUnderWay, hosts: readonly PlacementHost[]): Retarget {
  const target = hosts.find((host) => host.name === move.to);
  const request = { account: move.account, cloud: move.cloud, currentHosts: [], newServices: move.serviceCount };
  if (target !== undefined && target.state === "up" && placeAccountService({ ...request, hosts: [target] }).ok) return { ok: true, to: move.to, why: "" };
  const why = target === undefined ? `${move.to} no longer exists` : `${move.to} is ${unfitness(target)}`;
  const plan = planDrain(move.from, [move], hosts);
  const next = plan.moves[0];
  return next === undefined ? { ok: false, message: `${why}, and ${plan.misfits[0]!.message}` } : { ok: true, to: next.to, why };
}

function unfitness(host: PlacementHost): string {
  if (host.state !== "up") return host.state;
  if (host.cordoned) return "cordoned";
  if (host.networkProblem) return "unable to give accounts their network";
  return "full";
}
