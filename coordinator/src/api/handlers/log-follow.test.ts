// Locating new lines in a fresh tail after the lines a follower already sent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { linesAfter } from "./log-follow.js";

test("new lines are those after the last occurrence of the anchor", () => {
  const cases: [string[], string[], string[]][] = [
    [[], ["a", "b"], ["a", "b"]],
    [["a", "b"], ["a", "b"], []],
    [["a", "b"], ["a", "b", "c", "d"], ["c", "d"]],
    [["b", "c"], ["c", "b", "c", "d"], ["d"]],
    [["x", "y"], ["c", "d"], ["c", "d"]],
  ];
  for (const [anchor, tail, expected] of cases) assert.deepEqual(linesAfter(anchor, tail), expected, JSON.stringify({ anchor, tail }));
});
