// The outbox after a real crash (SIGKILL of an agent-like child process): everything after the saved cursor
// is resent, nothing before it, and a tail torn mid-write is skipped rather than fatal.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFile, mkdtemp, readdir, rm, stat, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DiskOutbox } from "./disk-outbox.js";
import { FakePublisher } from "./testing/fake-publisher.js";

const CHILD = fileURLToPath(new URL("./testing/crash-child.ts", import.meta.url));
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `id-${from + k}`);

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "vigil-outbox-crash-"))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** Runs the child until it has `accepted` of `count` events acked and its cursor saved, then kills it with SIGKILL. */
async function crashAfter(count: number, accepted: number): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, dir, String(count), String(accepted)], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("child not ready within 30 s")), 30_000);
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && (clearTimeout(timer), resolve()));
      child.on("exit", (code) => reject(new Error(`child exited early with ${code}`)));
    });
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
}

async function reopenAndCollect(): Promise<{ accepted: string[]; damaged: number[] }> {
  const publisher = new FakePublisher();
  const damaged: number[] = [];
  const outbox = await DiskOutbox.open({ dir, publisher, onError: () => undefined, onDamagedTail: (_segment, offset) => damaged.push(offset) });
  await outbox.drained();
  await outbox.close();
  return { accepted: publisher.accepted, damaged };
}

async function onlySegment(): Promise<string> {
  const segments = (await readdir(dir)).filter((name) => name.startsWith("segment-"));
  assert.equal(segments.length, 1);
  return join(dir, segments[0]!);
}

void describe("DiskOutbox after a crash", () => {
  void it("resends every event not acked before the crash and none that were", async () => {
    await crashAfter(20, 7);
    const { accepted, damaged } = await reopenAndCollect();
    assert.deepEqual(accepted, ids(7, 20));
    assert.deepEqual(damaged, []);
  });

  void it("skips a last record torn mid-write and resends the intact ones", async () => {
    await crashAfter(20, 7);
    const segment = await onlySegment();
    await truncate(segment, (await stat(segment)).size - 3);
    const { accepted, damaged } = await reopenAndCollect();
    assert.deepEqual(accepted, ids(7, 19));
    assert.equal(damaged.length, 1);
  });

  void it("ignores garbage after the last record and keeps working afterwards", async () => {
    await crashAfter(10, 3);
    await appendFile(await onlySegment(), Buffer.from([0, 0, 0, 40, 1, 2, 3]));
    const first = await reopenAndCollect();
    assert.deepEqual(first.accepted, ids(3, 10));
    const second = await reopenAndCollect();
    assert.deepEqual(second.accepted, [], "the damaged segment is not read twice once everything in it was acked");
  });
});
