// The agent's firewall at start: detects nftables (reported in the log and in every Hello) and,
// when it works, runs the enforcer that keeps table inet vigil equal to the desired firewall.
import { type FirewallSupport, type HostFirewall } from "@vigil/shared";
import { desiredFirewallFromProto } from "./desired-firewall.js";
import { detectNftables } from "./detect-nftables.js";
import { FirewallEnforcer } from "./firewall-enforcer.js";
import { type Nftables } from "./nftables.js";

export interface HostFirewallRuntime {
  readonly support: FirewallSupport;
  /** Hand each desired state's firewall here. */
  onFirewall(firewall: HostFirewall | undefined, revision: number): void;
  /** Stops the drift checks; the table stays in place. */
  stop(): Promise<void>;
  readonly enforcer?: FirewallEnforcer;
}

export async function startHostFirewall(nft: Nftables | undefined, log: (line: string) => void): Promise<HostFirewallRuntime> {
  if (nft === undefined) {
    return { support: { nftables: false, version: "", detail: "not enabled for this agent" }, onFirewall: (firewall) => firewall && log(`vigil agent: firewall: account ${firewall.account}'s rules are not enforced: this agent runs without nftables`), stop: async () => {} };
  }
  const detected = await detectNftables(nft);
  const support = { nftables: detected.available, version: detected.version, detail: detected.detail };
  if (!detected.available) {
    log(`vigil agent: firewall: nftables unusable (${detected.detail}); a private host's firewall cannot be enforced`);
    return { support, onFirewall: (firewall) => firewall && log(`vigil agent: firewall: account ${firewall.account}'s rules are not enforced: nftables unusable`), stop: async () => {} };
  }
  log(`vigil agent: firewall: nftables ${detected.version} usable; table inet vigil is kept as it is until the coordinator sends this host's firewall`);
  const enforcer = new FirewallEnforcer({ nft, log });
  enforcer.start();
  return {
    support,
    enforcer,
    onFirewall: (firewall, revision) => void enforcer.setDesired(desiredFirewallFromProto(firewall, revision)),
    stop: () => enforcer.stop(),
  };
}
