// Terminal colours for the operator CLI: only when stdout is a TTY and NO_COLOR is unset
// (https://no-color.org), so pipes, files and scripts always get plain text.
export interface Palette {
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string) => text;

export const PLAIN: Palette = { green: plain, red: plain, yellow: plain, dim: plain, bold: plain };
export const ANSI: Palette = { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };

export function paletteFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  return stream.isTTY === true && env["NO_COLOR"] === undefined ? ANSI : PLAIN;
}

/** Visible width of text that may hold colour escapes. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "").length;
}
