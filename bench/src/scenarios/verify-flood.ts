// Checks a flood log the way a user would: every line "flood <seq> xxx" exactly once, in order,
// whole. The supervisor's own lines (Vigil's "[vigil]" notes) are not the workload's and are skipped.

export interface FloodVerdict {
  readonly expected: number;
  readonly found: number;
  readonly missing: number;
  readonly outOfOrder: number;
  readonly duplicated: number;
  /** Lines that are neither a whole flood line nor a supervisor line: pieces of split or merged lines. */
  readonly split: number;
}

const FLOOD_LINE = /^flood (\d{7}) x{85}$/;

export function floodLine(seq: number): string {
  return `flood ${String(seq).padStart(7, "0")} ${"x".repeat(85)}`;
}

export function verifyFlood(lines: Iterable<string>, expected: number, isSupervisorLine: (line: string) => boolean = () => false): FloodVerdict {
  const seen = new Uint8Array(expected + 1);
  let found = 0;
  let outOfOrder = 0;
  let duplicated = 0;
  let split = 0;
  let previous = 0;
  for (const line of lines) {
    if (line === "" || isSupervisorLine(line)) continue;
    const match = FLOOD_LINE.exec(line);
    const seq = match ? Number(match[1]) : NaN;
    if (!(seq >= 1 && seq <= expected)) {
      split += 1;
      continue;
    }
    found += 1;
    if (seen[seq]) duplicated += 1;
    seen[seq] = 1;
    if (seq < previous) outOfOrder += 1;
    previous = seq;
  }
  const distinct = seen.reduce((sum, flag) => sum + flag, 0);
  return { expected, found, missing: expected - distinct, outOfOrder, duplicated, split };
}
