// Bench workload: writes argv[3] lines of exactly 100 bytes ("flood <seq> xxx...\n") to stdout as
// fast as the pipe takes them, records "<pid> <start ms>" in argv[2], then stays alive (no rerun).
import { renameSync, writeFileSync } from "node:fs";
import { setInterval } from "node:timers";

const [pidFile = "", countText = "200000"] = process.argv.slice(2);
const count = Number(countText);
const started = Date.now();
writeFileSync(`${pidFile}.tmp`, `${process.pid} ${started}\n`);
renameSync(`${pidFile}.tmp`, pidFile);
const fill = "x".repeat(100 - "flood 0000000 ".length - 1);
const line = (seq) => `flood ${String(seq).padStart(7, "0")} ${fill}\n`;
// Writes of 100 lines (10,000 bytes, more than PIPE_BUF) so the reader must join partial lines.
let seq = 1;
function writeSome() {
  while (seq <= count) {
    let chunk = "";
    for (let i = 0; i < 100 && seq <= count; i += 1, seq += 1) chunk += line(seq);
    if (!process.stdout.write(chunk)) return process.stdout.once("drain", writeSome);
  }
  setInterval(() => undefined, 1 << 30);
}
writeSome();
