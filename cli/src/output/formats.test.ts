// Table-driven tests of the CLI's cell formats and table alignment.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ANSI, paletteFor, PLAIN } from "./colour.js";
import { formatBytes, formatDuration, formatTime } from "./formats.js";
import { renderTable } from "./table.js";

test("durations read like pm2's uptime column", () => {
  const cases: [number, string][] = [[-1, "-"], [0, "0s"], [59_999, "59s"], [60_000, "1m"], [3_600_000 + 120_000, "1h 2m"], [26 * 3_600_000, "1d 2h"]];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
});

test("byte sizes use binary units with one decimal", () => {
  const cases: [number, string][] = [[0, "0 B"], [1023, "1023 B"], [1536, "1.5 KiB"], [12.5 * 1024 * 1024, "12.5 MiB"]];
  for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text);
});

test("times print as UTC seconds; never is a dash", () => {
  assert.equal(formatTime(0), "-");
  assert.equal(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), "2026-01-02T03:04:05Z");
});

test("columns align even when cells are coloured", () => {
  const rows = [{ name: "web", state: ANSI.green("running") }, { name: "worker-long", state: "stopped" }];
  const text = renderTable([{ header: "NAME", cell: (row: (typeof rows)[number]) => row.name }, { header: "STATE", cell: (row) => row.state }], rows);
  assert.equal(text, `NAME         STATE\nweb          ${ANSI.green("running")}\nworker-long  stopped\n`);
});

test("colour only on a TTY with NO_COLOR unset", () => {
  assert.equal(paletteFor({ isTTY: true }, {}), ANSI);
  assert.equal(paletteFor({ isTTY: true }, { NO_COLOR: "1" }), PLAIN);
  assert.equal(paletteFor({ isTTY: false }, {}), PLAIN);
  assert.equal(paletteFor({}, {}), PLAIN);
});
