// Plain-text tables with aligned columns, as `pm2 ls` or `docker ps` print them; cells may be
// coloured (alignment ignores the escapes). Pure: returns the text to print.
import { visibleLength } from "./colour.js";

export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string;
  readonly align?: "left" | "right";
}

export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], bold: (text: string) => string = (text) => text): string {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((line) => visibleLength(line[index] ?? ""))));
  const pad = (text: string, index: number) => {
    const fill = " ".repeat((widths[index] ?? 0) - visibleLength(text));
    return columns[index]?.align === "right" ? fill + text : text + fill;
  };
  const line = (texts: readonly string[]) => texts.map(pad).join("  ").trimEnd();
  return [bold(line(columns.map((column) => column.header))), ...cells.map(line)].join("\n") + "\n";
}
