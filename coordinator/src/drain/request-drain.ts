// Starting a drain: `vigil host drain` (every account must fit somewhere, or nothing changes) and
// the down-too-long policy (what fits moves; the rest stays and is named when the drain ends).
import { type Store } from "../store/open-store.js";
import { ConflictError } from "../store/errors.js";
import { accountsStaying, markHostDraining } from "../store/repositories/account-moves.js";
import { recordHostEvent } from "../store/repositories/events.js";
import { getHost, type HostRecord, listHosts, requireHostId } from "../store/repositories/hosts.js";
import { describeMisfits, planDrain } from "./plan-drain.js";

export interface DrainRequest {
  readonly host: string;
  /** Said in the drain-started event: "asked by an operator", "down for 600 s". */
  readonly why: string;
  /** Refuse (nothing changed) when an account fits on no other host; otherwise those stay behind. */
  readonly allOrNothing: boolean;
}

/** Cordons the host and marks it draining (the HostDrainer does the moving); a drain under way is left as it is. */
export async function requestHostDrain(store: Store, request: DrainRequest): Promise<HostRecord> {
  return store.transaction(async (tx) => {
    const host = await getHost(tx, request.host);
    if (host.draining) return host;
    const staying = await accountsStaying(tx, await requireHostId(tx, host.name));
    const plan = planDrain(host.name, staying, await listHosts(tx));
    if (request.allOrNothing && plan.misfits.length > 0) {
      throw new ConflictError("name", `host ${host.name} cannot be drained, nothing was changed: ${describeMisfits(plan.misfits)}`);
    }
    const services = staying.reduce((sum, account) => sum + account.serviceCount, 0);
    const message = `drain started (${request.why}): ${staying.length} account(s), ${services} service(s) to move`;
    await markHostDraining(tx, host.name, message);
    await recordHostEvent(tx, { host: host.name, kind: "drain-started", at: new Date(), message });
    return getHost(tx, host.name);
  });
}
