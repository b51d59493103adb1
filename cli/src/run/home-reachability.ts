// Whether a Unix user can reach a directory: every ancestor must grant it search (x) permission
// by the mode bits that apply to it. Used by `vigil up` to refuse a home its services cannot enter.
import { statSync } from "node:fs";
import { dirname } from "node:path";

export interface Identity {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export interface DirectoryMode {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** The permission bits (owner, group or other) that apply to `who`, shifted to the "other" position. */
export function bitsFor(who: Identity, entry: DirectoryMode): number {
  if (who.uid === 0) return 0o7;
  if (entry.uid === who.uid) return (entry.mode >> 6) & 0o7;
  if (entry.gid === who.gid) return (entry.mode >> 3) & 0o7;
  return entry.mode & 0o7;
}

/** The ancestors of an absolute path, from "/" down to the path itself. */
export function ancestors(path: string): string[] {
  const chain: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    chain.unshift(current);
    if (dirname(current) === current) return chain;
  }
}

/**
 * Null when `who` can enter `path` (search on every ancestor, read+write+search on the path itself),
 * else a sentence naming the first directory that stops it and its mode and owner.
 */
export function unreachableReason(path: string, who: Identity, stat: (path: string) => DirectoryMode = statSync): string | null {
  const chain = ancestors(path);
  for (const dir of chain) {
    let entry: DirectoryMode;
    try {
      entry = stat(dir);
    } catch {
      return `${dir} does not exist`;
    }
    const needed = dir === path ? 0o7 : 0o1;
    if ((bitsFor(who, entry) & needed) !== needed) {
      const mode = (entry.mode & 0o7777).toString(8).padStart(4, "0");
      return `${dir} is mode ${mode}, owned by uid ${entry.uid} gid ${entry.gid}`;
    }
  }
  return null;
}
