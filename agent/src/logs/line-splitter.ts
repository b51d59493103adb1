// Turns a process's output chunks into whole lines: keeps the partial last line, and cuts a line
// longer than the maximum into pieces marked with LINE_CONTINUES_MARKER, at UTF-8 boundaries.
import { LINE_CONTINUES_MARKER } from "./vigil-line.js";

const NEWLINE = 0x0a;
const CONTINUES = Buffer.from(`${LINE_CONTINUES_MARKER}\n`);

/** The largest cut <= limit that does not fall inside a UTF-8 sequence (binary data: limit itself). */
function utf8Cut(data: Buffer, limit: number): number {
  let cut = limit;
  while (cut > 0 && ((data[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  return cut > 0 ? cut : limit;
}

export class LineSplitter {
  private partial: Buffer = Buffer.alloc(0);

  constructor(private readonly maxLineBytes: number) {}

  /** Whole lines completed by this chunk (each ending in "\n"), or null when none. */
  push(chunk: Buffer): Buffer | null {
    const out: Buffer[] = [];
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      this.partial = this.cutLong(Buffer.concat([this.partial, chunk]), out);
      return out.length > 0 ? Buffer.concat(out) : null;
    }
    const firstNewline = chunk.indexOf(NEWLINE);
    // The first line completes the partial one; only it and its neighbours can be overlong.
    this.appendLines(Buffer.concat([this.partial, chunk.subarray(0, firstNewline + 1)]), out);
    this.appendLines(chunk.subarray(firstNewline + 1, lastNewline + 1), out);
    this.partial = this.cutLong(Buffer.from(chunk.subarray(lastNewline + 1)), out);
    return out.length > 0 ? Buffer.concat(out) : null;
  }

  /** The unterminated last line, given a newline, when the output ends. */
  end(): Buffer | null {
    if (this.partial.length === 0) return null;
    const last = Buffer.concat([this.partial, Buffer.from("\n")]);
    this.partial = Buffer.alloc(0);
    return last;
  }

  /** The unterminated last line as read so far (no newline added), to be continued elsewhere. */
  takePartial(): Buffer {
    const partial = this.partial;
    this.partial = Buffer.alloc(0);
    return partial;
  }

  /** Appends whole lines, splitting only those over the limit (the common case is one slice). */
  private appendLines(lines: Buffer, out: Buffer[]): void {
    if (lines.length <= this.maxLineBytes + 1) {
      if (lines.length > 0) out.push(lines);
      return;
    }
    let runStart = 0;
    let lineStart = 0;
    while (lineStart < lines.length) {
      const newline = lines.indexOf(NEWLINE, lineStart);
      if (newline - lineStart > this.maxLineBytes) {
        if (lineStart > runStart) out.push(lines.subarray(runStart, lineStart));
        const rest = this.cutLong(lines.subarray(lineStart, newline + 1), out);
        out.push(rest);
        runStart = newline + 1;
      }
      lineStart = newline + 1;
    }
    if (lines.length > runStart) out.push(lines.subarray(runStart));
  }

  /** Emits marked pieces while data is longer than a line may be; returns what is left. */
  private cutLong(data: Buffer, out: Buffer[]): Buffer {
    let rest = data;
    // A trailing "\n" does not count towards the line's length.
    const length = (buffer: Buffer): number => buffer.length - (buffer[buffer.length - 1] === NEWLINE ? 1 : 0);
    while (length(rest) > this.maxLineBytes) {
      const cut = utf8Cut(rest, this.maxLineBytes);
      out.push(rest.subarray(0, cut), CONTINUES);
      rest = rest.subarray(cut);
    }
    return rest;
  }
}
