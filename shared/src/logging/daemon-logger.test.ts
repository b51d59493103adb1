// The daemons' log format: one JSON object per line with level, time and fields; on a terminal one
// readable line per record, in which a field's newline cannot start a line of its own.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createDaemonLogger } from "./daemon-logger.js";

function capture(pretty: boolean): { lines: string[]; logger: ReturnType<typeof createDaemonLogger> } {
  const lines: string[] = [];
  const logger = createDaemonLogger("vigil agent", { pretty, destination: { write: (text: string) => void lines.push(text) } });
  return { lines, logger };
}

void describe("createDaemonLogger", () => {
  void it("writes one JSON object per line with level, ISO time, name, message and fields", () => {
    const { lines, logger } = capture(false);
    logger.child({ host: "a" }).warn({ account: "alpha", services: 2 }, "host missed its heartbeats");
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith("\n"));
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(record["level"], "warn");
    assert.match(String(record["time"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual([record["name"], record["host"], record["account"], record["services"], record["msg"]], ["vigil agent", "a", "alpha", 2, "host missed its heartbeats"]);
  });

  void it("prints a readable line on a terminal, with an account's newline escaped rather than starting a forged line", () => {
    const { lines, logger } = capture(true);
    logger.info({ account: "evil\n12:00:00.000 INFO  vigil agent: forged", port: 80 }, "firewall: rules applied");
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.split("\n").length, 2, "one line and its newline");
    assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} INFO {2}vigil agent: firewall: rules applied account="evil\\n12:00:00.000 INFO {2}vigil agent: forged" port=80\n$/);
  });

  void it("shows an error's message in a readable line and its stack in JSON", () => {
    const pretty = capture(true);
    pretty.logger.error({ err: new Error("disk full") }, "service history");
    assert.match(pretty.lines[0]!, /ERROR vigil agent: service history err="disk full"$/m);
    const json = capture(false);
    json.logger.error({ err: new Error("disk full") }, "service history");
    const err = (JSON.parse(json.lines[0]!) as { err: { message: string; stack: string } }).err;
    assert.equal(err.message, "disk full");
    assert.match(err.stack, /daemon-logger\.test\.ts/);
  });
});
