// Turns a host's desired state as stored into the DesiredState message its agent receives: every
// placed service with its revision and desired state, so a stopped one stays known to the agent.
import { type AccountRuntime, type DesiredState, desiredServiceToProto, type HostFirewall } from "@vigil/shared";
import { firewallRuleMessage } from "../api/messages/resource-messages.js";
import { type AccountRecord } from "../store/repositories/accounts.js";
import { limitsFromColumn } from "../store/repositories/limits-column.js";
import { type HostDesiredState } from "../store/repositories/desired-state.js";
import { PORT_RANGE } from "../store/vocabulary.js";

export function accountRuntime(account: AccountRecord): AccountRuntime {
  const { name, unixUser, uid, gid, home, environment, languageVersions } = account;
  return { name, unixUser, uid, gid, home, environment, languageVersions, limits: limitsFromColumn(account.limits) };
}

export function desiredStateMessage(state: HostDesiredState): DesiredState {
  const services = state.services.map(({ account, service }) =>
    desiredServiceToProto(
      {
        account: accountRuntime(account),
        spec: service.spec,
        ports: service.ports,
        disabledReason: service.disabledReason,
        desiredState: service.desiredState,
        accountAddress: service.accountAddress,
      },
      service.revision,
      account.cloud,
    ),
  );
  return { revision: state.revision, services, firewall: hostFirewallMessage(state.firewall) };
}

/** A private host's firewall: its owner's rules in the order the API lists them, the account port range closed by default. */
export function hostFirewallMessage(firewall: HostDesiredState["firewall"]): HostFirewall | undefined {
  if (firewall === null) return undefined;
  // Annotations are for people; the agent gets only what decides matching.
  const rules = firewall.rules.map((rule) => ({ ...firewallRuleMessage(rule), annotation: "" }));
  return { account: firewall.account, rules, closedPortsFirst: PORT_RANGE.first, closedPortsLast: PORT_RANGE.last };
}
