// Following a log by position: the tail, then every later line once and in order, each read
// starting where the previous answer ended; a full batch is read on from at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type LogChunk, type LogPosition } from "../../control/control-plane.js";
import { FOLLOW_BATCH_LINES, followLog, type LogReader } from "./log-follow.js";

/** A log whose positions are line indices, and the positions every read was asked for. */
function fakeLog(lines: string[]): LogReader & { readonly asked: LogPosition[] } {
  const asked: LogPosition[] = [];
  const at = (offset: number, count: number): LogChunk => {
    const taken = lines.slice(offset, offset + count);
    return { lines: taken, next: { fileId: 7, offset: offset + taken.length } };
  };
  return {
    asked,
    tailLog: async (_ref, count) => at(Math.max(lines.length - count, 0), count),
    readLog: async (_ref, from, maxLines) => {
      asked.push(from);
      return at(from.offset, maxLines);
    },
  };
}

function collectingSink(until: (received: string[]) => boolean): { sink: Parameters<typeof followLog>[4]; received: string[] } {
  const controller = new AbortController();
  const received: string[] = [];
  const sink = {
    signal: controller.signal,
    write: async (message: { lines: string[] }) => {
      received.push(...message.lines);
      if (until(received)) controller.abort();
    },
  };
  return { sink, received };
}

const ref = { account: "alpha", name: "api" };

test("follow sends the tail, then each later line once, each read starting where the last ended", async () => {
  const lines = ["a", "b", "c"];
  const log = fakeLog(lines);
  const { sink, received } = collectingSink((got) => got.length >= 4);
  const following = followLog(log, ref, 2, 5, sink);
  await new Promise((resolve) => setTimeout(resolve, 20));
  lines.push("d", "e");
  await following;
  assert.deepEqual(received, ["b", "c", "d", "e"]);
  assert.deepEqual(log.asked[0], { fileId: 7, offset: 3 }, "reading on starts after the tail");
  assert.ok(log.asked.every((position, i) => i === 0 || position.offset >= log.asked[i - 1]!.offset));
});

// A one-minute poll interval: waited out even once, the test would run into its timeout.
test("a full batch is read on from at once, without waiting for the poll interval", { timeout: 30_000 }, async () => {
  const lines = Array.from({ length: FOLLOW_BATCH_LINES * 2 + 10 }, (_, i) => `line ${i}`);
  const log = fakeLog(["first"]);
  const { sink, received } = collectingSink((got) => got.length === lines.length + 1);
  const backlog = fakeLog(["first", ...lines]);
  // The tail sees only the first line; everything after it is already waiting.
  const reader: LogReader = { tailLog: log.tailLog, readLog: backlog.readLog };
  await followLog(reader, ref, 1, 60_000, sink);
  assert.deepEqual(received, ["first", ...lines]);
  assert.equal(backlog.asked.length, 3);
});
