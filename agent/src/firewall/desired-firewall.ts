// Reads the firewall part of a DesiredState message: unset means the host is not filtered (public
// cloud); set, its rules go to the renderer, which validates every one of them again.
import { type HostFirewall } from "@vigil/shared";
import { type DesiredFirewall } from "./firewall-enforcer.js";

export function desiredFirewallFromProto(firewall: HostFirewall | undefined, revision: number): DesiredFirewall | null {
  if (firewall === undefined) return null;
  return {
    account: firewall.account,
    revision,
    rules: firewall.rules,
    defaults: { closedPorts: { first: firewall.closedPortsFirst, last: firewall.closedPortsLast } },
  };
}
