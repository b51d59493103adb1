// /proc parsers read the fields the driver relies on, even with awkward command names,
// and reject truncated input instead of half reading it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCmdline, parseProcStat, parseProcStatus, readProcStat } from "./proc-files.js";

void test("a stat line whose comm holds spaces and parentheses parses by the last parenthesis", () => {
  const line = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 98765 1000 200 18446744073709551615";
  assert.deepEqual(parseProcStat(line), { pid: 4242, comm: "my (odd) name", state: "S", ppid: 1, pgrp: 4242, session: 4242, utime: 7, stime: 3, startTicks: 98765 });
});

void test("a truncated stat line is rejected rather than half read", () => {
  assert.equal(parseProcStat("4242 (sh) S 1"), null);
});

void test("status yields the real uid and VmRSS in bytes; a zombie has no RSS", () => {
  assert.deepEqual(parseProcStatus("Name:\tsh\nUid:\t1001\t1001\t1001\t1001\nVmRSS:\t    1024 kB\n"), { uid: 1001, rssBytes: 1024 * 1024 });
  assert.deepEqual(parseProcStatus("Name:\tsh\nState:\tZ (zombie)\nUid:\t0\t0\t0\t0\n"), { uid: 0, rssBytes: 0 });
});

void test("cmdline arguments are joined with spaces", () => {
  assert.equal(parseCmdline(Buffer.from("/bin/sh\0-c\0sleep 5\0")), "/bin/sh -c sleep 5");
});

void test("the test process itself reads back with its own pid and parent", () => {
  const stat = readProcStat(process.pid);
  assert.equal(stat?.pid, process.pid);
  assert.equal(stat?.ppid, process.ppid);
});
