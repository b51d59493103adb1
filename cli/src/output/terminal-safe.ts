// Text an account controls (its log lines) made safe for an operator's terminal: control
// characters become visible escapes, so a line cannot move the cursor, retitle or reprogram it.

/**
 * C0 controls except tab (ESC starts every escape sequence; CR could overwrite a line), DEL, the C1
 * controls (U+009B is a one-character CSI for some terminals), and the bidirectional overrides and
 * isolates, which can make a line read differently from what it holds.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function visible(character: string): string {
  const code = character.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** "\x1b[2J" in a line is printed as the six characters \x1b[2J. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** One JSON object on one line; JSON escapes C0 itself, DEL, C1 and the bidi controls are escaped too. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
