// Following a service log by position: a tail says where it ends, reading on returns each later line
// once and in order, across rotations, never a half-written line, and never through a planted link.
import assert from "node:assert/strict";
import { appendFileSync, linkSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { after, before, test } from "node:test";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { FileServiceLogFactory } from "./file-service-log-factory.js";
import { freshAccount, servicesDir } from "./log-test-kit.js";
import type { LogPosition, ServiceLog } from "./service-log.js";

let user: TestUser;
before(() => (user = createTestUser()));
after(() => user.remove());

function lineOf(n: number): string {
  return `line ${String(n).padStart(5, "0")} ${"=".repeat(28)}`; // 39 bytes + newline
}

function linesFrom(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => lineOf(first + i));
}

async function attachLines(log: ServiceLog, first: number, count: number): Promise<void> {
  const output = new PassThrough();
  const attached = log.attach(output);
  for (let n = first; n < first + count; n += 1) output.write(`${lineOf(n)}\n`);
  output.end();
  await attached;
}

/** Reads on from `from` in chunks of `maxLines` until nothing new comes. */
async function readAll(log: ServiceLog, from: LogPosition, maxLines: number): Promise<{ lines: string[]; next: LogPosition }> {
  const lines: string[] = [];
  let next = from;
  for (;;) {
    const chunk = await log.read({ from: next, maxLines });
    next = chunk.next;
    if (chunk.lines.length === 0) return { lines, next };
    lines.push(...chunk.lines);
  }
}

test("reading on from a tail's end returns exactly the lines written after it, then nothing", async () => {
  const log = await new FileServiceLogFactory().open(freshAccount(user), "web");
  await attachLines(log, 0, 10);
  const tail = await log.read({ tail: 2 });
  assert.deepEqual(tail.lines, linesFrom(8, 2));
  await attachLines(log, 10, 5);
  const read = await readAll(log, tail.next, 2);
  assert.deepEqual(read.lines, linesFrom(10, 5));
  assert.deepEqual((await log.read({ from: read.next, maxLines: 100 })).lines, []);
  await log.close();
});

test("a half-written line is left for the read after its newline arrives", async () => {
  const account = freshAccount(user);
  const log = await new FileServiceLogFactory().open(account, "web");
  await attachLines(log, 0, 1);
  const start = (await log.read({ tail: 0 })).next;
  appendFileSync(join(servicesDir(account), "web.log"), "half");
  const first = await log.read({ from: start, maxLines: 10 });
  assert.deepEqual(first.lines, []);
  appendFileSync(join(servicesDir(account), "web.log"), " and whole\n");
  assert.deepEqual((await log.read({ from: first.next, maxLines: 10 })).lines, ["half and whole"]);
  await log.close();
});

test("a reader keeping up with a writer across many rotations sees every line once, in order", async () => {
  const log = await new FileServiceLogFactory({ rotateBytes: 4096, keepFiles: 100 }).open(freshAccount(user), "web");
  const seen: string[] = [];
  let next: LogPosition = (await log.read({ tail: 0 })).next;
  let writing = true;
  const writer = attachLines(log, 0, 3_000).finally(() => (writing = false));
  while (writing || seen.length < 3_000) {
    const chunk = await log.read({ from: next, maxLines: 37 });
    seen.push(...chunk.lines);
    next = chunk.next;
    if (chunk.lines.length === 0 && !writing) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await writer;
  assert.deepEqual(seen, linesFrom(0, 3_000));
  await log.close();
});

test("a reader left behind by two rotations finishes its file wherever it went, then the newer ones", async () => {
  const log = await new FileServiceLogFactory({ rotateBytes: 4096, keepFiles: 5 }).open(freshAccount(user), "web");
  await attachLines(log, 0, 50);
  const start = (await log.read({ tail: 1 })).next;
  await attachLines(log, 50, 250); // 102 lines fit in a file: the reader's file is now .2 or .3
  assert.deepEqual((await readAll(log, start, 1_000)).lines, linesFrom(50, 250));
  await log.close();
});

test("a reader whose file was rotated away is told so in one Vigil line and goes on with the oldest file kept", async () => {
  const log = await new FileServiceLogFactory({ rotateBytes: 4096, keepFiles: 1 }).open(freshAccount(user), "web");
  await attachLines(log, 0, 10);
  const start = (await log.read({ tail: 1 })).next;
  await attachLines(log, 10, 400);
  const read = (await readAll(log, start, 1_000)).lines;
  assert.match(read[0]!, /\[vigil\] lines were lost to log rotation/);
  const rest = read.slice(1);
  assert.ok(rest.length > 100 && rest.length < 400, `${rest.length} lines after the marker`);
  assert.deepEqual(rest, linesFrom(410 - rest.length, rest.length), "the newest lines, without a gap up to the last one");
  await log.close();
});

test("a truncated log is read again from its start", async () => {
  const account = freshAccount(user);
  const log = await new FileServiceLogFactory().open(account, "web");
  await attachLines(log, 0, 20);
  const end = (await log.read({ tail: 0 })).next;
  writeFileSync(join(servicesDir(account), "web.log"), "after truncation\n");
  assert.deepEqual((await log.read({ from: end, maxLines: 10 })).lines, ["after truncation"]);
  await log.close();
});

test("a symlink, a directory or a second hard link planted as a rotated file is never read", async () => {
  const account = freshAccount(user);
  const dir = servicesDir(account);
  const log = await new FileServiceLogFactory({ rotateBytes: 4096, keepFiles: 4 }).open(account, "web");
  await attachLines(log, 0, 5);
  const secret = join(user.home, "root-secret");
  writeFileSync(secret, "root's secret\n", { mode: 0o600 });
  renameSync(join(dir, "web.log"), join(dir, "web.log.4")); // still the user's own file
  symlinkSync(secret, join(dir, "web.log.1"));
  mkdirSync(join(dir, "web.log.2"));
  linkSync(secret, join(dir, "web.log.3"));
  try {
    const fromLost = (await readAll(log, { fileId: 1, offset: 0 }, 100)).lines;
    const tail = (await log.read({ tail: 100 })).lines;
    for (const lines of [fromLost, tail]) assert.ok(!lines.some((line) => line.includes("secret")), lines.join("\n"));
    assert.deepEqual(tail, linesFrom(0, 5), "the user's own rotated file is still read");
  } finally {
    rmSync(secret);
    await log.close();
  }
});
