// Firewall rule use cases: only a private-cloud account's rules are stored (they are enforced on
// the hosts it owns; public hosts are unfiltered by design), and every change is pushed at once
// to the connected agents of those hosts instead of waiting for the periodic revision check.
import { type Store } from "../store/open-store.js";
import { getAccount } from "../store/repositories/accounts.js";
import { createFirewallRule, deleteFirewallRule, type FirewallRuleInput, type FirewallRuleRecord } from "../store/repositories/firewall.js";
import { listHosts } from "../store/repositories/hosts.js";
import { type DesiredStateNotifier } from "./control-ports.js";
import { asControlErrors, ControlError } from "./control-errors.js";

export const PUBLIC_CLOUD_FIREWALL_REFUSAL =
  "is a public-cloud account: its services run on shared public hosts, which are not filtered by design (every service is reachable on its ports over IPv6), so a firewall rule would never be enforced; firewall rules apply to private-cloud accounts, on the hosts they own";

async function ownedHosts(store: Store, account: string): Promise<string[]> {
  return (await listHosts(store.db)).filter((host) => host.ownerAccount === account).map((host) => host.name);
}

export async function createFirewallRuleFor(store: Store, notifier: DesiredStateNotifier, account: string, rule: FirewallRuleInput): Promise<FirewallRuleRecord> {
  return asControlErrors(async () => {
    const { cloud } = await getAccount(store.db, account);
    if (cloud !== "private") throw new ControlError("failed-precondition", `account: ${account} ${PUBLIC_CLOUD_FIREWALL_REFUSAL}`);
    const created = await createFirewallRule(store.db, account, rule);
    notifier.hostsChanged(await ownedHosts(store, account));
    return created;
  });
}

export async function deleteFirewallRuleFor(store: Store, notifier: DesiredStateNotifier, account: string, id: string): Promise<void> {
  await asControlErrors(async () => {
    await deleteFirewallRule(store.db, account, id);
    notifier.hostsChanged(await ownedHosts(store, account));
  });
}
