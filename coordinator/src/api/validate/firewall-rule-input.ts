// Validates a FirewallRule message into the store's rule input: protocol, action, direction,
// IP version from closed lists; hosts as addresses or CIDRs of that version; ports or ranges. Pure.
import { isIP } from "node:net";
import { type Compiled, type FieldError, type FirewallRule } from "@vigil/shared";
import { type FirewallRuleInput } from "../../store/repositories/firewall.js";
import { FIREWALL_ACTIONS, FIREWALL_DIRECTIONS, FIREWALL_PROTOCOLS, IP_VERSIONS } from "../../store/vocabulary.js";

/** More entries than this do not belong in one rule (and bloat every host's ruleset). */
export const FIREWALL_MAX_ENTRIES = 64;
const PORT_ENTRY = /^(\d{1,5})(?:-(\d{1,5}))?$/;
const ANNOTATION_MAX_BYTES = 1024;

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string, errors: FieldError[]): T | undefined {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) errors.push({ field, rule: value === "" ? `is required (one of ${allowed.join(", ")})` : `must be one of ${allowed.join(", ")}` });
  return found;
}

/** The IP version (4 or 6) of an address or CIDR, or 0 when it is neither. */
export function addressVersion(entry: string): 0 | 4 | 6 {
  const [address = "", prefix, ...rest] = entry.split("/");
  const version = isIP(address) as 0 | 4 | 6;
  if (version === 0 || rest.length > 0) return 0;
  if (prefix !== undefined) {
    const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (bits < 0 || bits > (version === 4 ? 32 : 128)) return 0;
  }
  return version;
}

function checkHosts(hosts: readonly string[], ipVersion: string | undefined, errors: FieldError[]): void {
  if (hosts.length > FIREWALL_MAX_ENTRIES) errors.push({ field: "hosts", rule: `must have at most ${FIREWALL_MAX_ENTRIES} entries` });
  hosts.forEach((entry, index) => {
    const version = addressVersion(entry);
    if (version === 0) errors.push({ field: `hosts[${index}]`, rule: `must be an IPv4 or IPv6 address or CIDR (got ${JSON.stringify(entry)})` });
    else if ((ipVersion === "ipv4" && version === 6) || (ipVersion === "ipv6" && version === 4)) errors.push({ field: `hosts[${index}]`, rule: `is an IPv${version} address but ip_version is ${ipVersion}` });
  });
}

function checkPorts(ports: readonly string[], errors: FieldError[]): void {
  if (ports.length > FIREWALL_MAX_ENTRIES) errors.push({ field: "ports", rule: `must have at most ${FIREWALL_MAX_ENTRIES} entries` });
  ports.forEach((entry, index) => {
    const match = PORT_ENTRY.exec(entry);
    const first = Number(match?.[1]);
    const last = match?.[2] === undefined ? first : Number(match[2]);
    if (!match || first < 1 || last > 65535 || last < first) errors.push({ field: `ports[${index}]`, rule: `must be a port (1-65535) or an ascending range such as 8300-8310 (got ${JSON.stringify(entry)})` });
  });
}

export function compileFirewallRuleInput(rule: FirewallRule): Compiled<FirewallRuleInput> {
  const errors: FieldError[] = [];
  const protocol = oneOf(rule.protocol, FIREWALL_PROTOCOLS, "protocol", errors);
  const action = oneOf(rule.action, FIREWALL_ACTIONS, "action", errors);
  const direction = oneOf(rule.direction, FIREWALL_DIRECTIONS, "direction", errors);
  const ipVersion = oneOf(rule.ipVersion, IP_VERSIONS, "ip_version", errors);
  checkHosts(rule.hosts, ipVersion, errors);
  checkPorts(rule.ports, errors);
  if (Buffer.byteLength(rule.annotation) > ANNOTATION_MAX_BYTES) errors.push({ field: "annotation", rule: `must be at most ${ANNOTATION_MAX_BYTES} bytes` });
  if (errors.length > 0 || !protocol || !action || !direction || !ipVersion) return { ok: false, errors: errors.map((error) => ({ field: `rule.${error.field}`, rule: error.rule })) };
  return { ok: true, value: { protocol, action, direction, hosts: [...rule.hosts], ports: [...rule.ports], ipVersion, annotation: rule.annotation } };
}
