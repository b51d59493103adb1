// The agent's account networks at start: only when the host config sets account_address_prefix,
// detects whether namespaces work here (a probe namespace with a veth pair, nsenter, and the
// masquerade table in an nft dry run), reports it in every Hello, and converges the namespaces
// after each desired state and every minute.
import { randomBytes } from "node:crypto";
import { type DesiredState, type NetworkSupport, parseAccountPrefix } from "@vigil/shared";
import { execa } from "execa";
import { accountNatRuleset } from "./account-nat-ruleset.js";
import { netnsPrefix } from "./account-netns-name.js";
import { AccountNetworks } from "./account-networks.js";
import { type HostNetworkCommands } from "./host-network-commands.js";

export interface HostAccountNetworks {
  readonly support: NetworkSupport;
  /** Present when accounts get namespaces here. */
  readonly networks?: AccountNetworks;
  /** Hand each applied desired state here: wanted namespaces are checked, others removed. */
  onApplied(state: DesiredState): void;
  /** Stops the periodic check; every namespace stays (services keep their network while no agent runs). */
  stop(): void;
}

export const CONVERGE_INTERVAL_MS = 60_000;

/** Why account namespaces cannot work on this host, or null when the probe went through. */
export async function probeNamespaces(commands: HostNetworkCommands, instance: string): Promise<string | null> {
  const id = randomBytes(4).toString("hex");
  const netns = `${netnsPrefix(instance)}probe-${id}`;
  let added = false;
  try {
    await execa("nsenter", ["--version"], { timeout: 10_000 });
    await commands.ip(["netns", "add", netns]);
    added = true;
    await commands.ip(["link", "add", `vp${id}`, "type", "veth", "peer", "name", "vigil0", "netns", netns]);
    await commands.ip(["link", "del", `vp${id}`]);
    await commands.nft(accountNatRuleset(), true);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    if (added) await commands.ip(["netns", "del", netns]).catch(() => undefined);
  }
}

export interface HostAccountNetworksOptions {
  /** The host config's account_address_prefix; null: accounts share the host's network. */
  readonly prefix: string | null;
  /** The host config's account_address_uplink (proxy NDP there); null: the prefix is routed to the host. */
  readonly uplink?: string | null;
  readonly instance: string;
  readonly commands: HostNetworkCommands | undefined;
  readonly log: (line: string) => void;
}

export async function startHostAccountNetworks(options: HostAccountNetworksOptions): Promise<HostAccountNetworks> {
  const idle = { onApplied: () => undefined, stop: () => undefined };
  if (options.prefix === null) return { support: { accountAddressPrefix: "", namespaces: false, detail: "account_address_prefix is not set" }, ...idle };
  const prefix = parseAccountPrefix(options.prefix);
  if (typeof prefix === "string") throw new Error(`account_address_prefix ${prefix}`);
  const problem = options.commands === undefined ? "this agent does not manage the host's network (embedded or test agent)" : await probeNamespaces(options.commands, options.instance);
  if (problem !== null || options.commands === undefined) {
    options.log(`vigil agent: account namespaces from ${prefix.text} are asked for but unusable here (${problem}); the coordinator places no services on this host`);
    return { support: { accountAddressPrefix: prefix.text, namespaces: false, detail: problem ?? "" }, ...idle };
  }
  const uplink = options.uplink ?? undefined;
  const networks = new AccountNetworks({ instance: options.instance, prefix, commands: options.commands, log: options.log, ...(uplink !== undefined && { uplink }) });
  const reached = uplink === undefined ? "routed to this host" : `on-link at ${uplink}, answered by proxy NDP`;
  options.log(`vigil agent: account namespaces usable: each account gets its own namespace and an address from ${prefix.text} (${reached})`);
  let wanted = new Map<string, string>();
  let running = Promise.resolve();
  const converge = () => (running = running.then(() => networks.converge(wanted)));
  const timer = setInterval(() => void converge(), CONVERGE_INTERVAL_MS);
  timer.unref();
  return {
    support: { accountAddressPrefix: prefix.text, namespaces: true, detail: "" },
    networks,
    onApplied: (state) => {
      wanted = new Map(state.services.flatMap((service) => (service.account !== undefined && service.accountAddress !== "" ? [[service.account.name, service.accountAddress] as const] : [])));
      void converge();
    },
    stop: () => clearInterval(timer),
  };
}
