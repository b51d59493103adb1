// Tests of the bench's command line: the full and quick sizes, scenario selection, and bad input
// refused with the option's name and its rule.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseOptions, SCENARIOS } from "./options.js";

void describe("bench options", () => {
  void it("runs everything at N = 100 and 500 by default, small with --quick", () => {
    const full = parseOptions([]);
    assert.deepEqual([full.sizes, full.kills, full.floodLines, full.scaleHosts, full.scenarios], [[100, 500], 30, 200_000, 1000, SCENARIOS]);
    assert.equal(parseOptions(["--quick"]).sizes.length, 1);
  });

  void it("--only picks scenarios and --n the fleet sizes", () => {
    const options = parseOptions(["--only", "flood,crash-loop", "--n", "50"]);
    assert.deepEqual([options.scenarios, options.sizes], [["flood", "crash-loop"], [50]]);
  });

  void it("refuses unknown scenarios, sizes and options naming the option", () => {
    assert.throws(() => parseOptions(["--only", "fleet,nope"]), /--only: must be a comma-separated list of .* \(got nope\)/);
    assert.throws(() => parseOptions(["--n", "0"]), /--n: must be a comma-separated list of integers from 1 to 2000/);
    assert.throws(() => parseOptions(["--fast"]), /unknown option --fast/);
  });
});
