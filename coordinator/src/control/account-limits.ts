// Account limit use cases: the ceilings an account's limits are checked against (those its pool's
// hosts report), and an update of the limits that is pushed at once to every host the account is on.
import { type UpdateAccountRequest } from "@vigil/shared";
import { type Store } from "../store/open-store.js";
import { type AccountRecord, getAccount, updateAccountDefaults } from "../store/repositories/accounts.js";
import { listHosts } from "../store/repositories/hosts.js";
import { compileAccountLimitsUpdate, type ReportedCeiling } from "./account-limits-update.js";
import { type DesiredStateNotifier } from "./control-ports.js";
import { asControlErrors, InvalidArgumentError } from "./control-errors.js";

/** A public account may land on any public host; a private one runs on the hosts it owns. */
export async function poolCeilings(store: Store, account: { readonly name: string; readonly cloud: string }): Promise<ReportedCeiling[]> {
  const hosts = await listHosts(store.db);
  const inPool = hosts.filter((host) => (account.cloud === "private" ? host.ownerAccount === account.name : host.pool === "public"));
  return inPool.map((host) => ({ host: host.name, pool: host.pool, ceiling: host.accountCeiling }));
}

export async function updateAccountLimitsFor(store: Store, notifier: DesiredStateNotifier, request: UpdateAccountRequest): Promise<AccountRecord> {
  return asControlErrors(async () => {
    const account = await getAccount(store.db, request.name);
    const compiled = compileAccountLimitsUpdate(account.limits, request, await poolCeilings(store, account));
    if (!compiled.ok) throw new InvalidArgumentError(compiled.errors);
    const updated = await updateAccountDefaults(store.db, request.name, { limits: compiled.value });
    notifier.hostsChanged(updated.hosts);
    return updated.account;
  });
}
