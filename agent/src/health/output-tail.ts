// Keeps the last lines of a stream within a line and byte budget, so a chatty health check cannot
// grow memory and its failure event still carries the part a user needs to read.
import type { Readable } from "node:stream";

export const TAIL_LINES = 20;
export const TAIL_BYTES = 2048;

export class OutputTail {
  private text = "";

  constructor(
    private readonly maxLines = TAIL_LINES,
    private readonly maxBytes = TAIL_BYTES,
  ) {}

  follow(stream: Readable): void {
    stream.on("data", (chunk: Buffer | string) => this.push(String(chunk)));
    stream.on("error", () => {});
  }

  push(chunk: string): void {
    this.text = this.trim(this.text + chunk);
  }

  /** The kept tail, without a trailing newline. */
  value(): string {
    return this.text.replace(/\n$/, "");
  }

  /** Whole lines first; only a single line longer than the budget is cut, keeping its end. */
  private trim(text: string): string {
    const keepLines = text.endsWith("\n") ? this.maxLines + 1 : this.maxLines;
    const lines = text.split("\n").slice(-keepLines);
    while (lines.length > 1 && Buffer.byteLength(lines.join("\n")) > this.maxBytes) lines.shift();
    const kept = lines.join("\n");
    if (Buffer.byteLength(kept) <= this.maxBytes) return kept;
    return Buffer.from(kept).subarray(-this.maxBytes).toString();
  }
}
