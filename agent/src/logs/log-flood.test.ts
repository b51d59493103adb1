// The flood: two real processes of one service write 200,000 lines of 100 bytes as fast as they
// can through the driver's pipe; across rotated files no line is lost, split, duplicated or reordered.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDriverKit, type DriverKit } from "../driver/driver-test-kit.js";
import { createTestUser, type TestUser } from "../system/test-user.js";
import { FileServiceLogFactory } from "./file-service-log-factory.js";
import { freshAccount, servicesDir } from "./log-test-kit.js";

const LINES_PER_WRITER = 100_000;
const KEEP_FILES = 12;

/** Line `seq` of stream `stream`: exactly 100 bytes, a payload derived from seq and an FNV-1a checksum. */
function floodLine(stream: string, seq: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let body = `${stream} ${String(seq).padStart(7, "0")} `;
  for (let i = 0; i < 80; i += 1) body += alphabet[(seq * 7 + i * 13) % 36];
  let hash = 0x811c9dc5;
  for (let i = 0; i < body.length; i += 1) hash = Math.imul(hash ^ body.charCodeAt(i), 0x01000193) >>> 0;
  return `${body} ${hash.toString(16).padStart(8, "0")}\n`;
}

// Writes 40 lines (4,000 bytes, under PIPE_BUF) per write(2), as a busy program would.
const generatorSource = `import { writeSync } from "node:fs";
${floodLine.toString()}
const [stream, count, fd] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
for (let start = 0; start < count; start += 40) {
  let chunk = "";
  for (let seq = start; seq < Math.min(count, start + 40); seq += 1) chunk += floodLine(stream, seq);
  const bytes = Buffer.from(chunk);
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}
`;

let user: TestUser;
let kit: DriverKit;
let scriptDir: string;

before(() => {
  user = createTestUser();
  kit = createDriverKit();
  scriptDir = mkdtempSync(join(tmpdir(), "vigil-flood-"));
  chmodSync(scriptDir, 0o755);
  writeFileSync(join(scriptDir, "flood.mjs"), generatorSource, { mode: 0o644 });
});

after(async () => {
  await kit.cleanup();
  rmSync(scriptDir, { recursive: true, force: true });
  user.remove();
});

test("200,000 lines from two writers reach the rotated log whole, once, in order, with notes between lines", async () => {
  const account = freshAccount(user);
  const log = await new FileServiceLogFactory({ rotateBytes: 2 * 1024 * 1024, keepFiles: KEEP_FILES }).open(account, "flood");
  const script = join(scriptDir, "flood.mjs");
  const command = `"${process.execPath}" ${script} A ${LINES_PER_WRITER} 1 & "${process.execPath}" ${script} B ${LINES_PER_WRITER} 2; wait`;
  const startedAt = process.hrtime.bigint();
  const launched = await kit.driver.launch({
    unit: `${user.name}/flood`,
    command,
    cwd: account.home,
    env: { PATH: "/usr/bin:/bin", HOME: account.home },
    user: { uid: user.uid, gid: user.gid, name: user.name },
  });
  let notes = 0;
  const noting = setInterval(() => log.note(`flood note ${(notes += 1)}`), 5);
  await log.attach(launched.output);
  const elapsedMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  clearInterval(noting);
  assert.equal((await launched.exited).code, 0);
  await log.close();
  const total = 2 * LINES_PER_WRITER;
  console.log(`flood: ${total} lines (${(total * 100) / 1e6} MB) + ${notes} notes logged in ${elapsedMs.toFixed(0)} ms = ${Math.round(total / (elapsedMs / 1000))} lines/s`);

  const next = { A: 0, B: 0 };
  let lastNote = 0;
  for (let generation = KEEP_FILES; generation >= 0; generation -= 1) {
    const name = generation === 0 ? "flood.log" : `flood.log.${generation}`;
    let text: string;
    try {
      text = readFileSync(join(servicesDir(account), name), "utf8");
    } catch {
      continue; // Not every generation fills up.
    }
    assert.ok(text.endsWith("\n"), `${name} ends with a whole line`);
    for (const line of text.slice(0, -1).split("\n")) {
      const note = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[vigil\] flood note (\d+)$/.exec(line);
      if (note) {
        assert.equal(Number(note[1]), (lastNote += 1), "notes arrive whole and in order");
        continue;
      }
      const stream = line[0] === "A" || line[0] === "B" ? line[0] : null;
      assert.ok(stream, `a line of neither writer nor Vigil: ${JSON.stringify(line.slice(0, 120))}`);
      assert.equal(`${line}\n`, floodLine(stream, next[stream]), `${name}: line ${next[stream]} of writer ${stream}`);
      next[stream] += 1;
    }
  }
  assert.deepEqual(next, { A: LINES_PER_WRITER, B: LINES_PER_WRITER });
  assert.equal(lastNote, notes);
});
