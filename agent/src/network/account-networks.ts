// Gives each account with services on a public host its own network namespace: a veth pair to the
// host, the account's IPv6 address (inbound and outbound) and a private IPv4 for outbound only
// (masqueraded). Every step is idempotent: ensure() on a namespace that exists checks and repairs
// it in place, and a namespace in use is never recreated or removed, so an agent restart (or a
// check) never breaks a running service's network.
import { type AccountPrefix, accountAddressIndex, egressIpv4 } from "@vigil/shared";
import { ACCOUNT_VETH_GROUP, accountNatRuleset } from "./account-nat-ruleset.js";
import { accountNetnsNames, hostVethOf, NAMESPACE_VETH, netnsPrefix } from "./account-netns-name.js";
import { type HostNetworkCommands } from "./host-network-commands.js";

/** The host end's addresses, the same on every host veth: the namespaces' gateways. */
const GATEWAY_V4 = "169.254.1.1";
const GATEWAY_V6 = "fe80::1";

export interface AccountNetworksOptions {
  /** Names this agent's namespaces (see account-netns-name.ts). */
  readonly instance: string;
  /** The host's account prefix: every address given must be in it. */
  readonly prefix: AccountPrefix;
  readonly commands: HostNetworkCommands;
  readonly log: (line: string) => void;
  /** The interface the prefix is on-link at: each address is answered there by proxy NDP. Absent: the prefix is routed to the host. */
  readonly uplink?: string;
}

interface AddressInfo {
  readonly local?: string;
  readonly prefixlen?: number;
  readonly scope?: string;
}

export class AccountNetworks {
  readonly #options: AccountNetworksOptions;
  /** Accounts whose namespace was checked whole by this agent, with the address it has. */
  readonly #checked = new Map<string, string>();
  /** One change per account at a time (a service and its health check may start together). */
  readonly #busy = new Map<string, Promise<unknown>>();
  /** Which account each namespace this agent ensured belongs to, so a removal waits for its account's ensure. */
  readonly #accountOf = new Map<string, string>();
  #hostReady: Promise<void> | undefined;

  constructor(options: AccountNetworksOptions) {
    this.#options = options;
  }

  get prefix(): AccountPrefix {
    return this.#options.prefix;
  }

  /** The namespace services of `account` join (under /run/netns). */
  netnsOf(account: string): string {
    return accountNetnsNames(this.#options.instance, account).netns;
  }

  /**
   * Makes sure the account's namespace exists with `address` and returns its name. Already checked
   * with this address by this agent: returns at once (a start must not wait on a dozen `ip` runs).
   */
  async ensure(account: string, address: string, recheck = false): Promise<string> {
    if (!recheck && this.#checked.get(account) === address) return this.netnsOf(account);
    return this.#serialised(account, () => this.#ensure(account, address));
  }

  /** Runs `step` after every earlier step for the account, so a creation and a removal never interleave. */
  async #serialised<T>(account: string, step: () => Promise<T>): Promise<T> {
    const previous = this.#busy.get(account) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(step);
    this.#busy.set(account, next);
    try {
      return await next;
    } finally {
      if (this.#busy.get(account) === next) this.#busy.delete(account);
    }
  }

  /**
   * Checks every wanted namespace and removes this agent's namespaces no account wants any more,
   * once no process is left in them (a stopping service keeps its network until it is gone).
   */
  async converge(wanted: ReadonlyMap<string, string>): Promise<void> {
    for (const [account, address] of wanted) {
      await this.ensure(account, address, true).catch((error: unknown) => this.#options.log(`vigil agent: network of account ${account}: ${message(error)}`));
    }
    const keep = new Set([...wanted.keys()].map((account) => this.netnsOf(account)));
    for (const [account] of this.#checked) if (!wanted.has(account)) this.#checked.delete(account);
    const prefix = netnsPrefix(this.#options.instance);
    for (const netns of this.#options.commands.listNetns()) {
      const hostVeth = hostVethOf(this.#options.instance, netns);
      if (!netns.startsWith(prefix) || hostVeth === undefined || keep.has(netns)) continue;
      const account = this.#accountOf.get(netns);
      // A start that ensured the account meanwhile (a newer desired state) keeps its namespace.
      const remove = () => (account !== undefined && this.#checked.has(account) ? Promise.resolve() : this.#remove(netns, hostVeth));
      await (account === undefined ? remove() : this.#serialised(account, remove)).catch((error: unknown) => this.#options.log(`vigil agent: network namespace ${netns}: ${message(error)}`));
    }
    await this.#dropStaleProxies(new Set(wanted.values())).catch((error: unknown) => this.#options.log(`vigil agent: proxy NDP on ${this.#options.uplink}: ${message(error)}`));
  }

  async #remove(netns: string, hostVeth: string): Promise<void> {
    const pids = (await this.#ip(["netns", "pids", netns])).trim();
    if (pids !== "") return; // Tried again at the next converge.
    await this.#ip(["link", "del", hostVeth]).catch(() => undefined); // Gone already, or never made.
    await this.#ip(["netns", "del", netns]);
    this.#accountOf.delete(netns);
    this.#options.log(`vigil agent: network namespace ${netns} removed (no service of its account is left on this host)`);
  }

  async #ensure(account: string, address: string): Promise<string> {
    const { prefix, commands } = this.#options;
    const index = accountAddressIndex(prefix, address);
    if (index === undefined) throw new Error(`address ${address} of account ${account} is not in this host's account prefix ${prefix.text}`);
    const v4 = egressIpv4(index);
    const { netns, hostVeth } = accountNetnsNames(this.#options.instance, account);
    const started = performance.now();
    await (this.#hostReady ??= this.#prepareHost().catch((error: unknown) => {
      this.#hostReady = undefined;
      throw error;
    }));
    await this.#routeOnlyTo(v4, hostVeth);
    const created = !commands.listNetns().includes(netns);
    if (created) await this.#ip(["netns", "add", netns]);
    if (!(await this.#linkExists(hostVeth))) await this.#ip(["link", "add", hostVeth, "type", "veth", "peer", "name", NAMESPACE_VETH, "netns", netns]);
    await this.#dropOtherAddresses(netns, [address, v4]);
    // Two `ip -batch` runs instead of a dozen processes: every line is idempotent (replace, set).
    await this.#options.commands.ipBatch(
      ["-n", netns],
      [
        ["link", "set", "lo", "up"],
        ["link", "set", NAMESPACE_VETH, "up"],
        ["addr", "replace", `${address}/128`, "dev", NAMESPACE_VETH, "nodad"],
        ["addr", "replace", `${v4}/32`, "dev", NAMESPACE_VETH],
        ["route", "replace", "default", "via", GATEWAY_V4, "dev", NAMESPACE_VETH, "onlink"],
        ["route", "replace", "default", "via", GATEWAY_V6, "dev", NAMESPACE_VETH],
      ],
    );
    const uplink = this.#options.uplink;
    await this.#options.commands.ipBatch(
      [],
      [
        ["addr", "replace", `${GATEWAY_V4}/32`, "dev", hostVeth],
        ["addr", "replace", `${GATEWAY_V6}/64`, "dev", hostVeth, "nodad"],
        ["link", "set", hostVeth, "group", String(ACCOUNT_VETH_GROUP), "up"],
        ["route", "replace", `${address}/128`, "dev", hostVeth],
        ["route", "replace", `${v4}/32`, "dev", hostVeth],
        ...(uplink === undefined ? [] : [["neigh", "replace", "proxy", address, "dev", uplink]]),
      ],
    );
    this.#checked.set(account, address);
    this.#accountOf.set(netns, account);
    if (created) this.#options.log(`vigil agent: network namespace ${netns} of account ${account} created with ${address} in ${Math.round(performance.now() - started)} ms`);
    return netns;
  }

  /** Forwarding on (IPv6 in, both out) and the masquerade table, once per agent run. */
  async #prepareHost(): Promise<void> {
    await this.#options.commands.sysctl("net.ipv6.conf.all.forwarding", "1");
    await this.#options.commands.sysctl("net.ipv4.ip_forward", "1");
    await this.#options.commands.nft(accountNatRuleset());
    // The slash form keeps a dot in an interface name (eth0.100) from reading as a separator.
    if (this.#options.uplink !== undefined) await this.#options.commands.sysctl(`net/ipv6/conf/${this.#options.uplink}/proxy_ndp`, "1");
  }

  /** Proxy entries of the prefix for addresses no wanted account has (a removed namespace, a changed address). */
  async #dropStaleProxies(wanted: ReadonlySet<string>): Promise<void> {
    const uplink = this.#options.uplink;
    if (uplink === undefined) return;
    const entries = JSON.parse((await this.#ip(["-j", "-6", "neigh", "show", "proxy", "dev", uplink])) || "[]") as { dst?: string }[];
    for (const { dst } of entries) {
      if (dst === undefined || wanted.has(dst) || accountAddressIndex(this.#options.prefix, dst) === undefined) continue;
      await this.#ip(["-6", "neigh", "del", "proxy", dst, "dev", uplink]);
    }
  }

  async #linkExists(name: string): Promise<boolean> {
    return this.#ip(["link", "show", "dev", name]).then(
      () => true,
      (error: unknown) => (/does not exist|Cannot find device/.test(message(error)) ? false : Promise.reject(error as Error)),
    );
  }

  /** A changed address (a new host prefix) is taken off, so only the account's own stays bindable. */
  async #dropOtherAddresses(netns: string, keep: readonly string[]): Promise<void> {
    const listed = JSON.parse((await this.#ip(["-j", "-n", netns, "addr", "show", "dev", NAMESPACE_VETH])) || "[]") as { addr_info?: AddressInfo[] }[];
    for (const info of listed.flatMap((link) => link.addr_info ?? [])) {
      if (info.scope !== "global" || info.local === undefined || keep.includes(info.local)) continue;
      await this.#ip(["-n", netns, "addr", "del", `${info.local}/${info.prefixlen ?? 128}`, "dev", NAMESPACE_VETH]);
    }
  }

  /** Two namespaces must never share an outbound IPv4: replies would reach the wrong one. */
  async #routeOnlyTo(v4: string, hostVeth: string): Promise<void> {
    const routes = JSON.parse((await this.#ip(["-j", "route", "show", `${v4}/32`])) || "[]") as { dev?: string }[];
    const other = routes.find((route) => route.dev !== undefined && route.dev !== hostVeth);
    if (other !== undefined) throw new Error(`outbound address ${v4} is already routed to ${other.dev}; refusing to take it`);
  }

  #ip(args: readonly string[]): Promise<string> {
    return this.#options.commands.ip(args);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
