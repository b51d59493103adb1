// Opens every generation of one service log (<name>.log, .1, ... .<keep>) for reading, through the
// open log directory with O_NOFOLLOW like every other access, as one consistent snapshot.
import { createHash } from "node:crypto";
import { type BigIntStats, constants, fstatSync, openSync } from "node:fs";
import type { OpenLogDirectory } from "./log-directory.js";
import { rotatedName } from "./log-rotation.js";
import { closeQuietly, inDirectory } from "./safe-open.js";

// O_NONBLOCK: a FIFO the user planted in place of a rotated file must fail at once, not hang the agent.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

export interface LogGeneration {
  /** 0 is the current file; n is <name>.log.n. */
  readonly generation: number;
  readonly fd: number;
  /** What a LogPosition names: unchanged by renames (see fileIdentity). */
  readonly id: number;
  readonly size: number;
}

/**
 * The generations that exist and are the owner's own plain, single-link files (root reads here on
 * the user's behalf, so a hard link or symlink to a file they may not read must not come back to
 * them), newest first. Synchronous on purpose: rotation renames happen on this same thread, so no
 * rotation can shift the files between two of these opens. Close them with closeGenerations.
 */
/**
 * The inode alone is not enough: ext4 hands a deleted file's inode to the next file created, so a
 * reader whose file was rotated away would take the new current file for its own. The birth time
 * (statx) tells them apart. 48 bits of a hash: a JS number, never 0 (0 means "the current file").
 */
export function fileIdentity(stats: Pick<BigIntStats, "ino" | "birthtimeNs">): number {
  return createHash("sha1").update(`${stats.ino}:${stats.birthtimeNs}`).digest().readUIntBE(0, 6) || 1;
}

export function openGenerations(directory: OpenLogDirectory, fileName: string, keepFiles: number): LogGeneration[] {
  const found: LogGeneration[] = [];
  for (let generation = 0; generation <= keepFiles; generation += 1) {
    let fd: number;
    try {
      fd = openSync(inDirectory(directory.fd, rotatedName(fileName, generation)), READ_FLAGS);
    } catch {
      continue; // Missing (not rotated that often yet), a symlink, or a FIFO: not part of the log.
    }
    const stats = fstatSync(fd, { bigint: true });
    if (!stats.isFile() || stats.nlink !== 1n || stats.uid !== BigInt(directory.owner.uid)) {
      closeQuietly(fd);
      continue;
    }
    found.push({ generation, fd, id: fileIdentity(stats), size: Number(stats.size) });
  }
  return found;
}

export function closeGenerations(generations: readonly LogGeneration[]): void {
  for (const { fd } of generations) closeQuietly(fd);
}
