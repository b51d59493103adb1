// Creating a service in one transaction: lock the account (so concurrent creates agree on its
// host), place it with the pure placement policy, then insert it with its ports.
import { type CompiledServiceSpec } from "@vigil/shared";
import { type Store } from "../store/open-store.js";
import { getAccount, requireAccountId } from "../store/repositories/accounts.js";
import { listHosts } from "../store/repositories/hosts.js";
import { type PortRequest } from "../store/repositories/ports.js";
import { type ServiceRecord } from "../store/repositories/service-rows.js";
import { createService, listServices } from "../store/repositories/services.js";
import { placeAccountService } from "../placement/place-account.js";
import { ControlError } from "./control-errors.js";

export interface PlacedServiceInput {
  readonly account: string;
  readonly spec: CompiledServiceSpec;
  readonly ports?: PortRequest | undefined;
}

export async function createServicePlaced(store: Store, input: PlacedServiceInput): Promise<ServiceRecord> {
  return store.transaction(async (tx) => {
    await requireAccountId(tx, input.account, { lock: true });
    const account = await getAccount(tx, input.account);
    const existing = await listServices(tx, { account: input.account });
    const currentHosts = [...new Set(existing.flatMap((service) => (service.host === null ? [] : [service.host])))];
    const decision = placeAccountService({ account: account.name, cloud: account.cloud, currentHosts, hosts: await listHosts(tx) });
    if (!decision.ok) throw new ControlError("failed-precondition", `placement: ${decision.message}`, [{ field: "host", rule: decision.message }]);
    return createService(tx, {
      account: input.account,
      spec: input.spec,
      ...(input.ports && { ports: input.ports }),
      host: decision.host,
      disabledReason: input.spec.isDisabled ? "user" : "",
    });
  });
}
