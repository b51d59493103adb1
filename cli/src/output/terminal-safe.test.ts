// Tests of the escaping of account-controlled text before it reaches an operator's terminal.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonLine, terminalSafe } from "./terminal-safe.js";

describe("terminal-safe text", () => {
  it("shows ESC, CR, BEL, DEL, C1 and bidi overrides as visible escapes and keeps tabs and ordinary text", () => {
    assert.equal(terminalSafe("\u001b]0;owned\u0007\u001b[2Jdone\r"), "\\x1b]0;owned\\x07\\x1b[2Jdone\\x0d");
    assert.equal(terminalSafe("a\tb \u007f \u009b31m \u202eevil"), "a\tb \\x7f \\x9b31m \\u202eevil");
    assert.equal(terminalSafe("GET /caf\u00e9 200 — 3 ms"), "GET /caf\u00e9 200 — 3 ms");
  });

  it("writes JSON on one line with no raw control character at all", () => {
    const line = jsonLine({ line: "\u001b[31mred\u009b\u007f\n" });
    assert.equal(line, '{"line":"\\u001b[31mred\\u009b\\u007f\\n"}');
    assert.deepEqual(JSON.parse(line), { line: "\u001b[31mred\u009b\u007f\n" });
  });
});
