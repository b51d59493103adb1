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

  private trim(text: string): string {
    const lines = text.split("\n");
    const keepLines = text.endsWith("\n") ? this.maxLines + 1 : this.maxLines;
    let kept = lines.slice(-keepLines).join("\n");
    while (Buffer.byteLength(kept) > this.maxBytes) kept = kept.slice(Math.max(1, kept.length - this.maxBytes));
    return kept;
  }
}
