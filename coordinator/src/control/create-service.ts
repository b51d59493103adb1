// Creating services in one transaction: lock the account (so concurrent creates agree on its
// host), place with the pure placement policy, then insert them with their ports.
import { type CompiledServiceSpec } from "@vigil/shared";
import { type Db } from "../store/db.js";
import { type Store } from "../store/open-store.js";
import { getAccount, requireAccountId } from "../store/repositories/accounts.js";
import { listPlacementCandidates } from "../store/repositories/hosts.js";
import { type PortRequest } from "../store/repositories/ports.js";
import { insertServiceBatch } from "../store/repositories/service-batch.js";
import { type ServiceRecord } from "../store/repositories/service-rows.js";
import { createService } from "../store/repositories/services.js";
import { placeAccountService } from "../placement/place-account.js";
import { ControlError } from "./control-errors.js";

export interface PlacedServiceInput {
  readonly account: string;
  readonly spec: CompiledServiceSpec;
  readonly ports?: PortRequest | undefined;
}

export interface PlacedBatchInput {
  readonly account: string;
  readonly items: readonly { readonly spec: CompiledServiceSpec; readonly ports?: PortRequest | undefined }[];
}

/** Locks the account and decides its host; call inside the creating transaction. */
async function placeLocked(tx: Db, accountName: string, newServices: number): Promise<{ accountId: number; host: string }> {
  const accountId = await requireAccountId(tx, accountName, { lock: true });
  const account = await getAccount(tx, accountName);
  const { currentHosts, hosts } = await listPlacementCandidates(tx, accountId, newServices);
  const decision = placeAccountService({ account: account.name, cloud: account.cloud, currentHosts, hosts, newServices });
  if (!decision.ok) {
    const code = decision.reason === "host-full" || decision.reason === "pool-full" ? "resource-exhausted" : "failed-precondition";
    throw new ControlError(code, `placement: ${decision.message}`, [{ field: "host", rule: decision.message }]);
  }
  return { accountId, host: decision.host };
}

export async function createServicePlaced(store: Store, input: PlacedServiceInput): Promise<ServiceRecord> {
  return store.transaction(async (tx) => {
    const { host } = await placeLocked(tx, input.account, 1);
    return createService(tx, {
      account: input.account,
      spec: input.spec,
      ...(input.ports && { ports: input.ports }),
      host,
      disabledReason: input.spec.isDisabled ? "user" : "",
    });
  });
}

/** All of the account's new services on its one host, or none of them. */
export async function createServicesPlaced(store: Store, input: PlacedBatchInput): Promise<ServiceRecord[]> {
  return store.transaction(async (tx) => {
    const { accountId, host } = await placeLocked(tx, input.account, input.items.length);
    const items = input.items.map((item) => ({ spec: item.spec, ports: item.ports, disabledReason: item.spec.isDisabled ? "user" : "" }));
    return insertServiceBatch(tx, { account: input.account, accountId, host, items });
  });
}
