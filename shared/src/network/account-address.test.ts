// The account prefix and its addresses: what a host's config may give, the n-th address and back,
// and the private IPv4 each index maps to.
import assert from "node:assert/strict";
import { test } from "node:test";
import { accountAddressAt, accountAddressCapacity, accountAddressIndex, egressIpv4, parseAccountPrefix } from "./account-address.js";

test("a /64 to /120 IPv6 prefix is accepted and written canonically; host bits are masked", () => {
  const prefix = parseAccountPrefix("2001:DB8:a:0::5/64");
  assert.equal(typeof prefix === "string" ? prefix : prefix.text, "2001:db8:a::/64");
  const small = parseAccountPrefix("2001:db8:a::100/120");
  assert.equal(typeof small === "string" ? small : accountAddressCapacity(small), 255);
});

const refused: [string, RegExp][] = [
  ["10.0.0.0/8", /must be an IPv6 prefix/],
  ["2001:db8::1", /must be an IPv6 prefix/],
  ["2001:db8::/48", /must be a \/64 to \/120 \(got \/48\)/],
  ["2001:db8::/126", /got \/126/],
  ["2001:db8::/64; flush ruleset", /must be an IPv6 prefix/],
];
for (const [text, rule] of refused) {
  test(`prefix ${JSON.stringify(text)} is refused with the rule named`, () => assert.match(String(parseAccountPrefix(text)), rule));
}

test("the n-th address and its index are inverses; the prefix's own address and outsiders have none", () => {
  const prefix = parseAccountPrefix("2001:db8:a::/64");
  assert.ok(typeof prefix !== "string");
  assert.equal(accountAddressAt(prefix, 1), "2001:db8:a::1");
  assert.equal(accountAddressAt(prefix, 300), "2001:db8:a::12c");
  assert.equal(accountAddressIndex(prefix, "2001:db8:a::12c"), 300);
  assert.equal(accountAddressIndex(prefix, "2001:db8:a::"), undefined);
  assert.equal(accountAddressIndex(prefix, "2001:db8:b::1"), undefined);
  assert.throws(() => accountAddressAt(prefix, 0), /outside/);
});

test("each index has its own private IPv4 in 100.64.0.0/10", () => {
  assert.equal(egressIpv4(1), "100.64.0.1");
  assert.equal(egressIpv4(300), "100.64.1.44");
  assert.equal(egressIpv4(2 ** 22 - 2), "100.127.255.254");
});
