// Table tests of the strict address parser and the interval formatting the nftables renderer uses:
// only well-formed addresses parse, and formatting round-trips through parsing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatInterval, mergeIntervals, parseIpInterval } from "./ip-interval.js";

test("well-formed addresses and CIDRs parse into their intervals, host bits masked off", () => {
  const cases: [string, string][] = [
    ["192.0.2.1", "192.0.2.1"],
    ["192.0.2.77/24", "192.0.2.0/24"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:db8::1", "2001:db8::1"],
    ["2001:DB8:0:0:0:0:0:1/128", "2001:db8::1"],
    ["2001:db8::/32", "2001:db8::/32"],
    ["::", "::"],
    ["::ffff:192.0.2.1", "::ffff:c000:201"],
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
  ];
  for (const [entry, formatted] of cases) {
    const interval = parseIpInterval(entry);
    assert.ok(interval, entry);
    assert.equal(formatInterval(interval), formatted, entry);
  }
});

test("anything but an address or CIDR is refused, including text nft or a shell would interpret", () => {
  const hostile = ["1.2.3.4; flush ruleset", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4\n", "fe80::1%eth0", "fe80::1%eth0;x", "010.0.0.1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.4/33", "1.2.3.4/08", "1.2.3.4/", "::/129", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "example.com", "", "{ 1.2.3.4 }", '"1.2.3.4"', "0x01020304"];
  for (const entry of hostile) assert.equal(parseIpInterval(entry), undefined, JSON.stringify(entry));
});

test("overlapping and adjacent intervals merge; ranges that are no prefix format as ranges", () => {
  const parts = ["10.0.0.0/25", "10.0.0.128/25", "10.0.1.5", "10.0.0.7"].map((entry) => parseIpInterval(entry)!);
  const merged = mergeIntervals(parts).map((interval) => formatInterval({ family: 4, ...interval }));
  assert.deepEqual(merged, ["10.0.0.0/24", "10.0.1.5"]);
  assert.equal(formatInterval({ family: 4, first: parseIpInterval("10.0.0.1")!.first, last: parseIpInterval("10.0.0.9")!.first }), "10.0.0.1-10.0.0.9");
});
