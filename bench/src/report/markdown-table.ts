// Markdown rendering of the bench tables: a header, an alignment row and escaped cells, so a note
// containing "|" or a newline cannot break the table.

export type Alignment = "left" | "right";

function escapeCell(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replace(/\r?\n/g, " ");
}

/** A GitHub-flavoured Markdown table; every row must have as many cells as the header. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Alignment[] = []): string {
  for (const [index, row] of rows.entries()) {
    if (row.length !== header.length) throw new Error(`table row ${index} has ${row.length} cells, the header has ${header.length}`);
  }
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeCell).join(" | ")} |`;
  const rule = `|${header.map((_, i) => (align[i] === "right" ? " ---: " : " --- ")).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
