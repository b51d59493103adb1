// One log record (pino's JSON object) as a line a person reads: message, then key=value fields.
// Control characters are escaped, so a field an account controls cannot start a forged line.

/** pino's own keys, shown apart from the fields (or not at all). */
const RECORD_KEYS = new Set(["level", "time", "msg", "pid", "hostname", "name"]);
const PLAIN_VALUE = /^[\w.:/@+-]+$/;

/** A string with control characters (newlines, escapes) written as JSON escapes, without quotes. */
function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (char) => JSON.stringify(char).slice(1, -1));
}

function fieldValue(value: unknown): string {
  if (typeof value === "string") return PLAIN_VALUE.test(value) ? value : JSON.stringify(value);
  // pino serialises an Error under `err` as { type, message, stack }: the message is what a reader needs.
  if (value !== null && typeof value === "object" && "message" in value && typeof value.message === "string") return JSON.stringify(value.message);
  return JSON.stringify(value) ?? String(value);
}

/** `message key=value key="two words"`, on one line. */
export function recordText(record: Record<string, unknown>): string {
  const fields = Object.entries(record)
    .filter(([key]) => !RECORD_KEYS.has(key))
    .map(([key, value]) => `${key}=${fieldValue(value)}`);
  return [escapeControls(String(record["msg"] ?? "")), ...fields].join(" ");
}

/** `12:45:01.123 WARN  vigil agent: message key=value`: what a daemon prints to a terminal. */
export function terminalLine(record: Record<string, unknown>): string {
  const time = typeof record["time"] === "string" ? record["time"].slice(11, 23) : "";
  const level = String(record["level"] ?? "").toUpperCase().padEnd(5);
  const name = typeof record["name"] === "string" ? `${record["name"]}: ` : "";
  return `${time} ${level} ${name}${recordText(record)}\n`;
}
