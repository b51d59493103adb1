// Table tests of firewall rule validation: closed vocabularies, addresses and CIDRs of the
// rule's IP version, ports and ascending ranges; every broken field reported at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { addressVersion, FirewallRule } from "@vigil/shared";
import { compileFirewallRuleInput } from "./firewall-rule-input.js";

test("addresses and CIDRs are recognised by version; anything else is 0", () => {
  const cases: [string, number][] = [["192.0.2.1", 4], ["192.0.2.0/24", 4], ["2001:db8::/32", 6], ["::1", 6], ["10.0.0.0/33", 0], ["2001:db8::/129", 0], ["example.com", 0], ["10.0.0.0/8/8", 0], ["10.0.0.0/", 0]];
  for (const [entry, version] of cases) assert.equal(addressVersion(entry), version, entry);
});

const valid = { protocol: "tcp", action: "accept", direction: "in", hosts: ["192.0.2.0/24"], ports: ["8300", "8400-8410"], ipVersion: "ipv4" };

const cases: { name: string; rule: Partial<FirewallRule>; errors: string[] }[] = [
  { name: "a valid rule compiles", rule: valid, errors: [] },
  { name: "empty vocabularies say what is allowed", rule: { ...valid, protocol: "", action: "", direction: "", ipVersion: "" }, errors: ["rule.protocol", "rule.action", "rule.direction", "rule.ip_version"] },
  { name: "an IPv6 host in an ipv4 rule is refused", rule: { ...valid, hosts: ["2001:db8::1"] }, errors: ["rule.hosts[0]"] },
  { name: "ports out of range or descending are refused", rule: { ...valid, ports: ["0", "70000", "9000-8000", "http"] }, errors: ["rule.ports[0]", "rule.ports[1]", "rule.ports[2]", "rule.ports[3]"] },
  { name: "a shell or nft command in a host is refused, naming the entry", rule: { ...valid, hosts: ["1.2.3.4; flush ruleset"] }, errors: ["rule.hosts[0]"] },
  { name: "an IPv6 zone id (which could carry any text) is refused", rule: { ...valid, ipVersion: "ipv6", hosts: ["fe80::1%eth0"] }, errors: ["rule.hosts[0]"] },
  { name: "a port with a quote or newline is refused", rule: { ...valid, ports: ['8300"', "8300\nflush ruleset"] }, errors: ["rule.ports[0]", "rule.ports[1]"] },
  { name: "more than 64 hosts in one rule are refused as a whole", rule: { ...valid, hosts: Array.from({ length: 10_000 }, (_, index) => `10.0.${index % 256}.${index >> 8}`) }, errors: ["rule.hosts"] },
  { name: "both versions accept either kind of address", rule: { ...valid, ipVersion: "both", hosts: ["192.0.2.1", "2001:db8::/48"] }, errors: [] },
];

for (const { name, rule, errors } of cases) {
  test(name, () => {
    const compiled = compileFirewallRuleInput(FirewallRule.fromPartial(rule));
    assert.deepEqual(compiled.ok ? [] : compiled.errors.map((error) => error.field), errors);
  });
}
