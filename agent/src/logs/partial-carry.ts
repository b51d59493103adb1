// Half a line that crosses readers of one output pipe: kept beside the FIFO as <fifo>.partial (root's,
// 0600) by the reader that lets go of a running service, taken by the next reader of that FIFO.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import type { OutputCarry } from "./service-log.js";

export function partialPath(outputPath: string): string {
  return `${outputPath}.partial`;
}

function takeFile(path: string): Buffer | null {
  try {
    const bytes = readFileSync(path);
    rmSync(path, { force: true });
    return bytes;
  } catch {
    return null;
  }
}

/**
 * The carry of the FIFO at `outputPath`. The kept bytes are taken when a reader first asks, not
 * before: whoever does not read the pipe itself (the agent, when the log keeper reads) leaves them
 * for the reader that does.
 */
export function carryBeside(outputPath: string): OutputCarry {
  let taken = false;
  return {
    get carried(): Buffer | null {
      if (taken) return null;
      taken = true;
      return takeFile(partialPath(outputPath));
    },
    keep: (partial) => writeFileSync(partialPath(outputPath), partial, { mode: 0o600 }),
  };
}

export function removeOutputFiles(outputPath: string): void {
  rmSync(outputPath, { force: true });
  rmSync(partialPath(outputPath), { force: true });
}
