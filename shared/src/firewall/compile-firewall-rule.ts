// Compiles one firewall rule as the API and the AgentLink carry it: protocol, action, direction and
// IP version from closed lists; hosts as addresses or CIDRs of that version; ports or ascending
// ranges. Every broken field is reported at once, named by field and rule. Pure.
import { type Compiled, type FieldError } from "../errors.js";
import { FIREWALL_ACTIONS, FIREWALL_DIRECTIONS, FIREWALL_MAX_ENTRIES, FIREWALL_PROTOCOLS, type FirewallAction, type FirewallDirection, type FirewallProtocol, IP_VERSIONS, type IpVersion } from "./firewall-vocabulary.js";
import { type IpInterval, mergeIntervals, parseIpInterval } from "./ip-interval.js";

/** The rule fields that decide what it matches (the API's FirewallRule has them, and more). */
export interface FirewallRuleFields {
  readonly id?: string;
  readonly protocol: string;
  readonly action: string;
  readonly direction: string;
  readonly hosts: readonly string[];
  readonly ports: readonly string[];
  readonly ipVersion: string;
}

export interface PortRange {
  readonly first: number;
  readonly last: number;
}

export interface CompiledFirewallRule {
  readonly id: string;
  readonly protocol: FirewallProtocol;
  readonly action: FirewallAction;
  readonly direction: FirewallDirection;
  readonly ipVersion: IpVersion;
  /** As written (stored and shown so). Empty: any address of the rule's IP versions. */
  readonly hosts: readonly string[];
  /** As written. Empty: any port. */
  readonly ports: readonly string[];
  /** The hosts as merged, ascending intervals of each family. */
  readonly addresses: readonly IpInterval[];
  /** The ports as merged, ascending ranges. */
  readonly portRanges: readonly PortRange[];
}

const PORT_ENTRY = /^([1-9]\d{0,4})(?:-([1-9]\d{0,4}))?$/;

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string, errors: FieldError[]): T | undefined {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) errors.push({ field, rule: value === "" ? `is required (one of ${allowed.join(", ")})` : `must be one of ${allowed.join(", ")}` });
  return found;
}

/** The IP version (4 or 6) of an address or CIDR, or 0 when it is neither. */
export function addressVersion(entry: string): 0 | 4 | 6 {
  return parseIpInterval(entry)?.family ?? 0;
}

function compileHosts(hosts: readonly string[], ipVersion: IpVersion | undefined, errors: FieldError[]): IpInterval[] {
  if (hosts.length > FIREWALL_MAX_ENTRIES) {
    errors.push({ field: "hosts", rule: `must have at most ${FIREWALL_MAX_ENTRIES} entries (got ${hosts.length})` });
    return [];
  }
  const parsed: IpInterval[] = [];
  hosts.forEach((entry, index) => {
    const interval = parseIpInterval(entry);
    if (interval === undefined) errors.push({ field: `hosts[${index}]`, rule: `must be an IPv4 or IPv6 address or CIDR (got ${JSON.stringify(entry.slice(0, 64))})` });
    else if ((ipVersion === "ipv4" && interval.family === 6) || (ipVersion === "ipv6" && interval.family === 4)) errors.push({ field: `hosts[${index}]`, rule: `is an IPv${interval.family} address but ip_version is ${ipVersion}` });
    else parsed.push(interval);
  });
  return ([4, 6] as const).flatMap((family) => mergeIntervals(parsed.filter((interval) => interval.family === family)).map((merged) => ({ family, ...merged })));
}

function compilePorts(ports: readonly string[], errors: FieldError[]): PortRange[] {
  if (ports.length > FIREWALL_MAX_ENTRIES) {
    errors.push({ field: "ports", rule: `must have at most ${FIREWALL_MAX_ENTRIES} entries (got ${ports.length})` });
    return [];
  }
  const parsed: { first: bigint; last: bigint }[] = [];
  ports.forEach((entry, index) => {
    const match = PORT_ENTRY.exec(entry);
    const first = Number(match?.[1]);
    const last = match?.[2] === undefined ? first : Number(match[2]);
    if (!match || last > 65535 || last < first) errors.push({ field: `ports[${index}]`, rule: `must be a port (1-65535) or an ascending range such as 8300-8310 (got ${JSON.stringify(entry.slice(0, 64))})` });
    else parsed.push({ first: BigInt(first), last: BigInt(last) });
  });
  return mergeIntervals(parsed).map(({ first, last }) => ({ first: Number(first), last: Number(last) }));
}

export function compileFirewallRule(rule: FirewallRuleFields): Compiled<CompiledFirewallRule> {
  const errors: FieldError[] = [];
  const protocol = oneOf(rule.protocol, FIREWALL_PROTOCOLS, "protocol", errors);
  const action = oneOf(rule.action, FIREWALL_ACTIONS, "action", errors);
  const direction = oneOf(rule.direction, FIREWALL_DIRECTIONS, "direction", errors);
  const ipVersion = oneOf(rule.ipVersion, IP_VERSIONS, "ip_version", errors);
  const addresses = compileHosts(rule.hosts, ipVersion, errors);
  const portRanges = compilePorts(rule.ports, errors);
  if (errors.length > 0 || !protocol || !action || !direction || !ipVersion) return { ok: false, errors };
  return { ok: true, value: { id: rule.id ?? "", protocol, action, direction, ipVersion, hosts: [...rule.hosts], ports: [...rule.ports], addresses, portRanges } };
}
