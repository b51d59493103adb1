// Tests of the report's Markdown: tables line up with their header, cells cannot break the table,
// and a figure row shows each value with its ratio to the best peer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderTable } from "./markdown-table.js";
import { renderFigureTables } from "./render-report.js";

void describe("markdown tables", () => {
  void it("renders a header, an alignment rule and one line per row", () => {
    assert.equal(renderTable(["a", "b"], [["1", "2"]], ["left", "right"]), "| a | b |\n| --- | ---: |\n| 1 | 2 |");
  });

  void it("escapes pipes and flattens newlines inside cells", () => {
    assert.equal(renderTable(["x"], [["a|b\nc"]]), "| x |\n| --- |\n| a\\|b c |");
  });

  void it("refuses a row whose cell count differs from the header's", () => {
    assert.throws(() => renderTable(["a", "b"], [["1"]]), /table row 0 has 1 cells, the header has 2/);
  });
});

void describe("figure tables", () => {
  void it("shows every supervisor's value with its ratio to the best peer, and why one is missing", () => {
    const text = renderFigureTables([
      { section: "agent, N = 100", metric: "restart", unit: "ms", lowerIsBetter: true, values: { vigil: 20, supervisord: 40, pm2: 80 } },
      { section: "agent, N = 100", metric: "RSS", unit: "MiB", lowerIsBetter: true, values: { vigil: 30, supervisord: null, pm2: 60 }, notes: { supervisord: "crashed" } },
    ]);
    assert.match(text, /^### agent, N = 100$/m);
    assert.match(text, /\| restart \(lower is better\) \| 20\.0 ms \(0\.50×\) \| 40\.0 ms \(1\.00×\) \| 80\.0 ms \(2\.00×\) \|/);
    assert.match(text, /\| RSS \(lower is better\) \| 30\.0 MiB \(0\.50×\) \| not measured: crashed \| 60\.0 MiB \(1\.00×\) \|/);
  });

  void it("counts carry no ratio and a supervisor that did not run says so", () => {
    const text = renderFigureTables([{ section: "s", metric: "left behind", unit: "count", lowerIsBetter: true, values: { vigil: 0, supervisord: 50 } }]);
    assert.match(text, /\| left behind \(lower is better\) \| 0 \| 50 \| not run \|/);
  });
});
