// Output chunks become whole lines however the pipe cut them;
// overlong lines become marked pieces that join back to the original.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LineSplitter } from "./line-splitter.js";
import { LINE_CONTINUES_MARKER } from "./vigil-line.js";

function split(chunks: string[], maxLineBytes = 1024): string[] {
  const splitter = new LineSplitter(maxLineBytes);
  const out: string[] = [];
  for (const chunk of chunks) {
    const lines = splitter.push(Buffer.from(chunk));
    out.push(lines === null ? "<none>" : lines.toString());
  }
  const last = splitter.end();
  if (last) out.push(last.toString());
  return out;
}

test("a line cut across chunks is held back until its newline arrives", () => {
  assert.deepEqual(split(["one\ntw", "o\nthr", "ee", "\n"]), ["one\n", "two\n", "<none>", "three\n"]);
});

test("a last line without a newline is completed when the output ends", () => {
  assert.deepEqual(split(["done\nno newline"]), ["done\n", "no newline\n"]);
});

test("a line longer than the maximum is written in marked pieces that join back to the line", () => {
  const long = "x".repeat(2500);
  const joined = split([`short\n${long.slice(0, 1000)}`, `${long.slice(1000)}\nafter\n`]).join("");
  const lines = joined.trimEnd().split("\n");
  assert.deepEqual(lines.map((line) => line.length), [5, 1024 + LINE_CONTINUES_MARKER.length, 1024 + LINE_CONTINUES_MARKER.length, 2500 - 2048, 5]);
  assert.equal(lines.slice(1, 4).join("").replaceAll(LINE_CONTINUES_MARKER, ""), long);
});

test("a long line inside one large chunk is cut while its neighbours stay whole", () => {
  const joined = split([`a\n${"y".repeat(1500)}\nb\nc\n`]).join("");
  assert.deepEqual(joined.split("\n").map((line) => line.replaceAll(LINE_CONTINUES_MARKER, "|").length), [1, 1025, 476, 1, 1, 0]);
});

test("pieces are cut at UTF-8 boundaries, never inside a character", () => {
  const text = "é".repeat(700); // 1400 bytes, 2 per character
  const pieces = split([`${text}\n`], 1023).join("").split("\n").filter(Boolean);
  for (const piece of pieces) assert.ok(!piece.includes("\uFFFD"), "no replacement characters");
  assert.equal(pieces.join("").replaceAll(LINE_CONTINUES_MARKER, ""), text);
});
