// Size rotation of one service log inside its open directory: <name>.log -> .1 -> ... -> .<keep>,
// by renames through the directory fd, so a path the user swapped meanwhile is never followed.
import { renameSync } from "node:fs";
import { inDirectory } from "./safe-open.js";

export function rotatedName(fileName: string, generation: number): string {
  return generation === 0 ? fileName : `${fileName}.${generation}`;
}

/**
 * Shifts every generation up by one; the rename onto .<keep> drops the oldest. A missing generation
 * is skipped. Only the final rename of the current file must succeed; its error propagates.
 */
export function rotateFiles(dirFd: number, fileName: string, keepFiles: number): void {
  for (let generation = keepFiles - 1; generation >= 0; generation -= 1) {
    try {
      renameSync(inDirectory(dirFd, rotatedName(fileName, generation)), inDirectory(dirFd, rotatedName(fileName, generation + 1)));
    } catch (error) {
      if (generation === 0) throw error;
      // A missing older file is normal; one the user turned into a directory just stays where it is.
    }
  }
}
