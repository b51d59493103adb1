// Tests of the readback comparison: nft's own set layout (element order, prefixes, ranges) reads
// as equal; anything Vigil did not write (a missing or extra rule, another expression or object,
// another policy) is named as a difference.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tableDifference } from "./nft-listing.js";
import { renderRuleset } from "./render-ruleset.js";

const rendered = renderRuleset([{ protocol: "tcp", action: "accept", direction: "in", hosts: ["10.0.0.0/8", "192.0.2.1"], ports: ["8300", "8400-8410"], ipVersion: "ipv4" }], { closedPorts: { first: 8300, last: 8499 } });
assert.ok(rendered.ok);
const expected = rendered.value.expected;

const match = (left: object, right: unknown, op = "==") => ({ match: { op, left, right } });
const chain = (name: string) => ({ chain: { family: "inet", table: "vigil", name, handle: 1, type: "filter", hook: name, prio: 0, policy: "accept" } });
const rule = (name: string, expr: object[]) => ({ rule: { family: "inet", table: "vigil", chain: name, handle: 2, expr } });
const baseline = (direction: "input" | "output") => [
  rule(direction, [match({ meta: { key: direction === "input" ? "iifname" : "oifname" } }, "lo"), { accept: null }]),
  rule(direction, [match({ ct: { key: "state" } }, ["related", "established"], "in"), { accept: null }]),
];
const accountRule = (addresses: unknown) =>
  rule("input", [match({ payload: { protocol: "ip", field: "saddr" } }, addresses), match({ payload: { protocol: "tcp", field: "dport" } }, { set: [{ range: [8400, 8410] }, 8300] }), { accept: null }]);
const closed = ["tcp", "udp"].map((protocol) => rule("input", [match({ payload: { protocol, field: "dport" } }, { range: [8300, 8499] }), { drop: null }]));

function listing(overrides: { input?: object[]; extra?: object[]; policy?: string } = {}): unknown {
  const input = overrides.input ?? [...baseline("input"), accountRule({ set: ["192.0.2.1", { prefix: { addr: "10.0.0.0", len: 8 } }] }), ...closed];
  const inputChain = chain("input");
  if (overrides.policy) inputChain.chain.policy = overrides.policy;
  return { nftables: [{ metainfo: { version: "1.0.6" } }, { table: { family: "inet", name: "vigil", handle: 3 } }, inputChain, chain("output"), ...input, ...baseline("output"), ...(overrides.extra ?? [])] };
}

test("the listing of what was rendered reads as equal, whatever order and notation nft chose", () => {
  assert.equal(tableDifference(expected, listing()), null);
  const asRange = accountRule({ set: [{ range: ["10.0.0.0", "10.255.255.255"] }, "192.0.2.1"] });
  assert.equal(tableDifference(expected, listing({ input: [...baseline("input"), asRange, ...closed] })), null);
});

const differences: { name: string; listing: unknown; says: RegExp }[] = [
  { name: "a flushed chain", listing: listing({ input: [] }), says: /chain input has 0 rules, not 5/ },
  { name: "a rule with another source", listing: listing({ input: [...baseline("input"), accountRule("10.0.0.1"), ...closed] }), says: /chain input rule 3 is "ip saddr=a000001-a000001/ },
  { name: "an expression Vigil never writes", listing: listing({ input: [...baseline("input"), rule("input", [{ counter: { packets: 0, bytes: 0 } }, { accept: null }]), ...closed] }), says: /rule 3 is "unknown:/ },
  { name: "a policy of drop", listing: listing({ policy: "drop" }), says: /chain input is filter\/input\/0\/drop, not filter\/input\/0\/accept/ },
  { name: "an extra chain", listing: listing({ extra: [chain("forward")] }), says: /chain forward is not Vigil's/ },
  { name: "a named set", listing: listing({ extra: [{ set: { family: "inet", name: "s", table: "vigil" } }] }), says: /an object Vigil does not write: set/ },
  { name: "something that is not a listing", listing: { rules: [] }, says: /no nftables array/ },
];

for (const { name, listing: listed, says } of differences) {
  test(`a difference is named: ${name}`, () => assert.match(tableDifference(expected, listed) ?? "(none)", says));
}
