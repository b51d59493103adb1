// The agent's firewall at start: detects nftables (reported in the log and in every Hello) and,
// when it works, runs the enforcer that keeps table inet vigil equal to the desired firewall.
import { type FirewallSupport, type HostFirewall } from "@vigil/shared";
import { type Logger } from "@vigil/shared/logging";
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

export async function startHostFirewall(nft: Nftables | undefined, logger: Logger): Promise<HostFirewallRuntime> {
  const notEnforced = (why: string) => (firewall: HostFirewall | undefined) => firewall && logger.warn({ account: firewall.account }, `firewall: the account's rules are not enforced: ${why}`);
  if (nft === undefined) {
    return { support: { nftables: false, version: "", detail: "not enabled for this agent" }, onFirewall: notEnforced("this agent runs without nftables"), stop: async () => {} };
  }
  const detected = await detectNftables(nft);
  const support = { nftables: detected.available, version: detected.version, detail: detected.detail };
  if (!detected.available) {
    logger.warn({ detail: detected.detail }, "firewall: nftables unusable; a private host's firewall cannot be enforced");
    return { support, onFirewall: notEnforced("nftables unusable"), stop: async () => {} };
  }
  logger.info({ version: detected.version }, "firewall: nftables usable; table inet vigil is kept as it is until the coordinator sends this host's firewall");
  const enforcer = new FirewallEnforcer({ nft, logger });
  enforcer.start();
  return {
    support,
    enforcer,
    onFirewall: (firewall, revision) => void enforcer.setDesired(desiredFirewallFromProto(firewall, revision)),
    stop: () => enforcer.stop(),
  };
}
