import assert from "node:assert/strict";
import { test } from "node:test";
import { progressOn } from "./progress.js";

function capture(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (text: string) => written.push(text) } };
}

test("on a terminal, progress rewrites one line and ends it", () => {
  const { written, stream } = capture(true);
  const progress = progressOn(stream);
  progress.update("stopping: 1 of 3 stopped");
  progress.update("stopping: 2 of 3 stopped");
  progress.done("stopping: 3 of 3 stopped");
  assert.deepEqual(written, ["\r\x1b[Kstopping: 1 of 3 stopped", "\r\x1b[Kstopping: 2 of 3 stopped", "\r\x1b[Kstopping: 3 of 3 stopped\n"]);
});

test("elsewhere, progress prints whole lines, at most one per interval, and always the last", () => {
  const { written, stream } = capture(false);
  let clock = 0;
  const progress = progressOn(stream, { now: () => clock, intervalMs: 1_000 });
  progress.update("1 of 3");
  clock = 500;
  progress.update("2 of 3");
  clock = 1_200;
  progress.update("2 of 3");
  progress.done("3 of 3");
  assert.deepEqual(written, ["1 of 3\n", "2 of 3\n", "3 of 3\n"]);
});
