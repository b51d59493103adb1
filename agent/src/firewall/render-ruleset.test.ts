// Table tests of the nftables renderer: the documented order, one rule per IP family, merged sets,
// the defaults, and hostile input refused with the field named (no text reaches the ruleset).
import assert from "node:assert/strict";
import { test } from "node:test";
import { type FirewallRuleFields } from "@vigil/shared";
import { renderRuleset } from "./render-ruleset.js";

const DEFAULTS = { closedPorts: { first: 8300, last: 8499 } };
const rule = (fields: Partial<FirewallRuleFields>): FirewallRuleFields => ({ protocol: "tcp", action: "accept", direction: "in", hosts: [], ports: ["8300"], ipVersion: "both", ...fields });

function chainLines(text: string, chain: string): string[] {
  const body = text.slice(text.indexOf(`chain ${chain} {`));
  return body
    .slice(0, body.indexOf("\t}"))
    .split("\n")
    .slice(2)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

const rendered: { name: string; rules: FirewallRuleFields[]; input: string[]; output?: string[] }[] = [
  {
    name: "no rules: loopback and replies accepted, TCP and UDP to the closed ports dropped",
    rules: [],
    input: ['meta iifname "lo" accept', "ct state established,related accept", "tcp dport 8300-8499 drop", "udp dport 8300-8499 drop"],
    output: ['meta oifname "lo" accept', "ct state established,related accept"],
  },
  {
    name: "inbound rules come before the defaults, in the order given",
    rules: [rule({ action: "drop", hosts: ["192.0.2.7"] }), rule({ hosts: ["192.0.2.0/24"] })],
    input: ['meta iifname "lo" accept', "ct state established,related accept", "ip saddr 192.0.2.7 tcp dport 8300 drop", "ip saddr 192.0.2.0/24 tcp dport 8300 accept", "tcp dport 8300-8499 drop", "udp dport 8300-8499 drop"],
  },
  {
    name: "a rule for both versions with both kinds of hosts becomes one rule per family",
    rules: [rule({ hosts: ["2001:db8::/32", "10.0.0.0/8"] })],
    input: ['meta iifname "lo" accept', "ct state established,related accept", "ip saddr 10.0.0.0/8 tcp dport 8300 accept", "ip6 saddr 2001:db8::/32 tcp dport 8300 accept", "tcp dport 8300-8499 drop", "udp dport 8300-8499 drop"],
  },
  {
    name: "overlapping hosts and ports merge into one set each; host bits are masked",
    rules: [rule({ hosts: ["10.1.2.3/8", "10.1.0.0/16", "192.0.2.1"], ports: ["8400-8410", "8405", "8300", "8411"], ipVersion: "ipv4" })],
    input: ['meta iifname "lo" accept', "ct state established,related accept", "ip saddr { 10.0.0.0/8, 192.0.2.1 } tcp dport { 8300, 8400-8411 } accept", "tcp dport 8300-8499 drop", "udp dport 8300-8499 drop"],
  },
  {
    name: "no hosts means any address of the rule's version; no ports means any port",
    rules: [rule({ protocol: "udp", ports: [], ipVersion: "ipv6", action: "drop" })],
    input: ['meta iifname "lo" accept', "ct state established,related accept", "meta nfproto ipv6 meta l4proto udp drop", "tcp dport 8300-8499 drop", "udp dport 8300-8499 drop"],
  },
  {
    name: "outbound rules match destinations and go to the output chain; 0.0.0.0/0 means all of IPv4",
    rules: [rule({ direction: "out", action: "drop", hosts: ["198.51.100.0/24"], ports: ["443"] }), rule({ direction: "out", action: "drop", hosts: ["0.0.0.0/0"], ports: ["25"], ipVersion: "ipv4" })],
    input: ['meta iifname "lo" accept', "ct state established,related accept", "tcp dport 8300-8499 drop", "udp dport 8300-8499 drop"],
    output: ['meta oifname "lo" accept', "ct state established,related accept", "ip daddr 198.51.100.0/24 tcp dport 443 drop", "meta nfproto ipv4 tcp dport 25 drop"],
  },
  {
    name: "a rule id that is a UUID becomes the comment; any other id is left out",
    rules: [rule({ id: "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed" }), rule({ id: '" ; flush ruleset ; "' })],
    input: ['meta iifname "lo" accept', "ct state established,related accept", 'tcp dport 8300 accept comment "vigil rule 1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"', "tcp dport 8300 accept", "tcp dport 8300-8499 drop", "udp dport 8300-8499 drop"],
  },
];

for (const { name, rules, input, output } of rendered) {
  test(name, () => {
    const result = renderRuleset(rules, DEFAULTS);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    assert.deepEqual(chainLines(result.value.text, "input"), input);
    if (output) assert.deepEqual(chainLines(result.value.text, "output"), output);
    assert.deepEqual(result.value.expected.chains["input"]?.rules.length, input.length);
  });
}

test("the transaction replaces only Vigil's table: create, delete, define, and nothing else", () => {
  const result = renderRuleset([], DEFAULTS);
  assert.ok(result.ok);
  const statements = result.value.text.split("\n").filter((line) => /^\S/.test(line) && !line.startsWith("#"));
  assert.deepEqual(statements, ["table inet vigil {}", "delete table inet vigil", "table inet vigil {", "}"]);
  assert.doesNotMatch(result.value.text, /flush ruleset|delete table (?!inet vigil)/);
});

const refused: { name: string; rules: unknown[]; defaults?: unknown; fields: string[] }[] = [
  { name: "a host carrying nft commands", rules: [rule({ hosts: ["1.2.3.4; flush ruleset"] })], fields: ["rules[0].hosts[0]"] },
  { name: "a host with a newline and a second statement", rules: [rule({ hosts: ["1.2.3.4\ndelete table inet filter"] })], fields: ["rules[0].hosts[0]"] },
  { name: "a zone id", rules: [rule({ hosts: ["fe80::1%lo"] })], fields: ["rules[0].hosts[0]"] },
  { name: "a port with a brace", rules: [rule({ ports: ["8300 }"] })], fields: ["rules[0].ports[0]"] },
  { name: "a range out of order", rules: [rule({ ports: ["8310-8300"] })], fields: ["rules[0].ports[0]"] },
  { name: "a protocol outside the list", rules: [rule({ protocol: "tcp dport 22 accept;" })], fields: ["rules[0].protocol"] },
  { name: "an action outside the list (jump, goto)", rules: [rule({ action: "jump input" })], fields: ["rules[0].action"] },
  { name: "a direction outside the list", rules: [rule({ direction: "forward" })], fields: ["rules[0].direction"] },
  { name: "an IPv6 host in an ipv4 rule", rules: [rule({ hosts: ["::1"], ipVersion: "ipv4" })], fields: ["rules[0].hosts[0]"] },
  { name: "10,000 rules", rules: Array.from({ length: 10_000 }, () => rule({})), fields: ["rules"] },
  { name: "10,000 hosts in one rule", rules: [rule({ hosts: Array.from({ length: 10_000 }, () => "10.0.0.1") })], fields: ["rules[0].hosts"] },
  { name: "closed ports out of order", rules: [], defaults: { closedPorts: { first: 8499, last: 8300 } }, fields: ["closed_ports"] },
  { name: "closed ports that are not numbers", rules: [], defaults: { closedPorts: { first: "8300; flush ruleset", last: 8499 } }, fields: ["closed_ports"] },
];

for (const { name, rules, defaults, fields } of refused) {
  test(`refused, naming the field, and no ruleset rendered: ${name}`, () => {
    const result = renderRuleset(rules as FirewallRuleFields[], (defaults ?? DEFAULTS) as typeof DEFAULTS);
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.errors.map((error) => error.field), fields);
  });
}
