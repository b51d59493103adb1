// A service log keeps whole lines in order, puts Vigil's notes between lines, rotates by size
// without losing a line, and tails backwards across rotated files.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { linkSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { FileServiceLogFactory } from "./file-service-log-factory.js";
import type { ServiceLog } from "./service-log.js";
import { freshAccount, servicesDir } from "./log-test-kit.js";

let user: TestUser;
before(() => (user = createTestUser()));
after(() => user.remove());

const fixedClock = () => new Date("2026-11-21T20:30:00.123Z");

function lineOf(n: number): string {
  return `line ${String(n).padStart(5, "0")} ${"=".repeat(28)}`; // 39 bytes + newline
}

/** Lines 0..count-1 through attach(), written one by one as a process would. */
async function attachLines(log: ServiceLog, count: number): Promise<void> {
  const output = new PassThrough();
  const attached = log.attach(output);
  for (let n = 0; n < count; n += 1) output.write(`${lineOf(n)}\n`);
  output.end();
  await attached;
}

test("Vigil's notes are timestamped, marked, and kept on one line", async () => {
  const account = freshAccount(user);
  const log = await new FileServiceLogFactory({ now: fixedClock }).open(account, "web");
  log.note("started with pid 1234");
  log.note("exited with code 1\nand a second line");
  await log.close();
  assert.equal(
    readFileSync(join(servicesDir(account), "web.log"), "utf8"),
    "2026-11-21T20:30:00.123Z [vigil] started with pid 1234\n2026-11-21T20:30:00.123Z [vigil] exited with code 1 and a second line\n",
  );
});

test("a note made while a process line is half written lands after that line, not inside it", async () => {
  const account = freshAccount(user);
  const log = await new FileServiceLogFactory({ now: fixedClock }).open(account, "web");
  const output = new PassThrough();
  const attached = log.attach(output);
  output.write("alpha\nbra");
  while (!(await log.tail(1)).includes("alpha")) await new Promise((resolve) => setTimeout(resolve, 5));
  log.note("restarting in 1 s");
  output.end("vo\ncharlie");
  await attached;
  assert.deepEqual(await log.tail(10), ["alpha", "2026-11-21T20:30:00.123Z [vigil] restarting in 1 s", "bravo", "charlie"]);
  await log.close();
});

test("rotation keeps whole lines, caps each file at the size, and drops only the oldest files", async () => {
  const account = freshAccount(user);
  const log = await new FileServiceLogFactory({ rotateBytes: 4096, keepFiles: 2 }).open(account, "web");
  await attachLines(log, 400);
  await log.close();
  const dir = servicesDir(account);
  assert.deepEqual(readdirSync(dir).sort(), ["web.log", "web.log.1", "web.log.2"]);
  const kept: string[] = [];
  for (const name of ["web.log.2", "web.log.1", "web.log"]) {
    const stats = statSync(join(dir, name));
    assert.ok(stats.size <= 4096, `${name} is ${stats.size} bytes`);
    assert.deepEqual([stats.uid, stats.gid], [user.uid, user.gid], `${name} belongs to the user`);
    const text = readFileSync(join(dir, name), "utf8");
    assert.ok(text.endsWith("\n"));
    kept.push(...text.trimEnd().split("\n"));
  }
  // The newest lines, without a gap up to the last one; the oldest file's lines are gone.
  const first = 400 - kept.length;
  assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => lineOf(first + i)));
  const linesPerFile = Math.floor(4096 / (lineOf(0).length + 1));
  assert.ok(kept.length < 400 && kept.length >= 2 * linesPerFile, `${kept.length} lines kept`);
});

test("tail reads the last lines across the current and rotated files", async () => {
  const account = freshAccount(user);
  const log = await new FileServiceLogFactory({ rotateBytes: 4096, keepFiles: 3 }).open(account, "web");
  await attachLines(log, 250);
  assert.deepEqual(await log.tail(3), [lineOf(247), lineOf(248), lineOf(249)]);
  assert.deepEqual(await log.tail(150), Array.from({ length: 150 }, (_, i) => lineOf(100 + i)));
  assert.deepEqual(await log.tail(1000), Array.from({ length: 250 }, (_, i) => lineOf(i)));
  await log.close();
});

test("tail of a large log returns its last lines", async () => {
  const account = freshAccount(user);
  const log = await new FileServiceLogFactory().open(account, "big");
  await attachLines(log, 80_000);
  assert.deepEqual(await log.tail(2), [lineOf(79_998), lineOf(79_999)]);
  await log.close();
});

test("reopening appends to the existing log and counts its size towards rotation", async () => {
  const account = freshAccount(user);
  const factory = new FileServiceLogFactory({ rotateBytes: 4096, keepFiles: 1 });
  const first = await factory.open(account, "web");
  await attachLines(first, 102); // 4080 bytes: no room left for a note
  await first.close();
  const second = await factory.open(account, "web");
  second.note("started with pid 99");
  second.note("stopped");
  await second.close();
  assert.equal(readFileSync(join(servicesDir(account), "web.log.1"), "utf8"), Array.from({ length: 102 }, (_, n) => `${lineOf(n)}\n`).join(""));
  assert.match(readFileSync(join(servicesDir(account), "web.log"), "utf8"), /^\S+ \[vigil\] started with pid 99\n\S+ \[vigil\] stopped\n$/);
});

test("bad options are refused naming the option and the rule", () => {
  assert.throws(() => new FileServiceLogFactory({ rotateBytes: 100, keepFiles: 0 }), {
    message: "rotateBytes: must be an integer from 4096 to 1099511627776; keepFiles: must be an integer from 1 to 100",
  });
});

test("a rotation the user blocked loses no line and is reported", async () => {
  const account = freshAccount(user);
  const errors: string[] = [];
  const factory = new FileServiceLogFactory({ rotateBytes: 4096, keepFiles: 1, onError: (error) => errors.push(error.message) });
  const log = await factory.open(account, "web");
  mkdirSync(join(servicesDir(account), "web.log.1", "occupied"), { recursive: true });
  await attachLines(log, 300);
  await log.close();
  assert.ok(errors.length > 0, "the failed rotation was reported");
  const text = readFileSync(join(servicesDir(account), "web.log"), "utf8");
  assert.equal(text, Array.from({ length: 300 }, (_, n) => `${lineOf(n)}\n`).join(""));
});

test("tail does not show a rotated file that is a hard link to another file", async () => {
  const account = freshAccount(user);
  const log = await new FileServiceLogFactory().open(account, "web");
  log.note("only line");
  const secret = join(account.home, "secret");
  writeFileSync(secret, "root-only\n", { mode: 0o600 });
  linkSync(secret, join(servicesDir(account), "web.log.1"));
  assert.deepEqual((await log.tail(5)).length, 1);
  await log.close();
});

test("a line half read when the agent lets go of a running service is kept and completed by the next run, whole", async () => {
  const account = freshAccount(user);
  const factory = new FileServiceLogFactory({ now: fixedClock });
  let kept: Buffer | null = null;
  const first = await factory.open(account, "web");
  const output = new PassThrough();
  const attached = first.attach(output, { carried: null, keep: (partial) => (kept = partial) });
  output.write("one\ntw");
  while (!(await first.tail(1)).includes("one")) await new Promise((resolve) => setTimeout(resolve, 5));
  output.destroy(); // the agent lets go: its reader closes while the service runs on
  await attached;
  await first.close();
  assert.equal(String(kept), "tw", "the unfinished line is handed over, not written");

  const next = await factory.open(account, "web");
  const rest = new PassThrough();
  const reattached = next.attach(rest, { carried: kept, keep: () => assert.fail("nothing is let go") });
  rest.end("o\nthree\n");
  await reattached;
  await next.close();
  assert.equal(readFileSync(join(servicesDir(account), "web.log"), "utf8"), "one\ntwo\nthree\n");
});
