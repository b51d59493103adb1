// Maps a launch's unit ("alice/web", "alice/web.health") to one safe, reversible file name,
// used for its cgroup directory and its launch record.

const SAFE = /[A-Za-z0-9_-]/;

/**
 * Every byte outside [A-Za-z0-9_-] becomes %XX: "/" can never nest, "." can never form "." / ".."
 * or collide with the kernel's "cgroup.*" interface files.
 */
export function escapeUnit(unit: string): string {
  if (unit.length === 0) throw new Error("unit: must not be empty");
  let escaped = "";
  for (const byte of Buffer.from(unit, "utf8")) {
    const char = String.fromCharCode(byte);
    escaped += byte < 0x80 && SAFE.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  // NAME_MAX is 255 bytes; units are "<account>/<service>[.suffix]" and stay far below it.
  if (escaped.length > 255) throw new Error(`unit: must escape to at most 255 bytes, got ${escaped.length}`);
  return escaped;
}

export function unescapeUnit(escaped: string): string {
  return Buffer.from(
    escaped.replace(/%([0-9A-F]{2})|([^%])/g, (_, hex: string | undefined, char: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : (char ?? ""))),
    "latin1",
  ).toString("utf8");
}
