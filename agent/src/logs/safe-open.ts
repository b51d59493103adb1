// openat() for Node: directories and files are opened relative to an already open directory
// through /proc/self/fd/<fd>/<name> with O_NOFOLLOW, so no symlink or swapped path is ever followed.
import { closeSync, constants, fchmodSync, fchownSync, fstatSync, lstatSync, mkdirSync, openSync, type Stats } from "node:fs";
import { LogPathRefused } from "./service-log.js";

const { O_RDONLY, O_WRONLY, O_DIRECTORY, O_NOFOLLOW, O_APPEND, O_CREAT, O_EXCL, O_NONBLOCK } = constants;
const DIRECTORY_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
// O_NONBLOCK: a FIFO planted in place of the file must fail (ENXIO), not hang the agent. Node adds O_CLOEXEC itself.
const FILE_FLAGS = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK;

export interface Owner {
  readonly uid: number;
  readonly gid: number;
  /** For messages: "alice (uid 1234)". */
  readonly label: string;
}

/** The path of `name` inside the directory open as dirFd; the kernel resolves it to that very directory. */
export function inDirectory(dirFd: number, name: string): string {
  return `/proc/self/fd/${dirFd}/${name}`;
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * Why an open with O_NOFOLLOW failed, in a user's words. With O_DIRECTORY the kernel reports a
 * symlink as ENOTDIR, so the entry is looked at (lstat, for the message only) to name it right.
 */
function refusal(path: string, error: unknown, openedPath = path): LogPathRefused {
  if (code(error) === "ENOTDIR" || code(error) === "ELOOP") {
    try {
      if (lstatSync(openedPath).isSymbolicLink()) return new LogPathRefused(path, `refusing to write the service log: ${path} is a symbolic link`);
    } catch {
      // Gone meanwhile: the errno's own reason below is still true.
    }
  }
  const reasons: Record<string, string> = {
    ELOOP: "is a symbolic link",
    ENOTDIR: "is not a directory",
    EISDIR: "is a directory",
    ENXIO: "is not a regular file",
    ENOENT: "does not exist",
  };
  const reason = reasons[code(error) ?? ""] ?? `cannot be opened (${(error as Error).message})`;
  return new LogPathRefused(path, `refusing to write the service log: ${path} ${reason}`);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing to release.
  }
}

/** Runs check on the open fd's stat; on refusal the fd is closed before the error propagates. */
function checked(fd: number, path: string, check: (stats: Stats) => string | null): number {
  const reason = check(fstatSync(fd));
  if (reason === null) return fd;
  closeQuietly(fd);
  throw new LogPathRefused(path, `refusing to write the service log: ${path} ${reason}`);
}

export function ownerReason(stats: Stats, allowed: readonly number[], owner: Owner): string | null {
  if (allowed.includes(stats.uid)) return null;
  return `is owned by uid ${stats.uid}, not by ${owner.label}`;
}

/** Opens an absolute directory itself without following a final symlink. */
export function openDirectory(path: string, allowedOwners: readonly number[], owner: Owner): number {
  let fd: number;
  try {
    fd = openSync(path, DIRECTORY_FLAGS);
  } catch (error) {
    throw refusal(path, error);
  }
  return checked(fd, path, (stats) => ownerReason(stats, allowedOwners, owner));
}

/** Opens (creating 0750, owned by owner, when missing) the subdirectory `name` of dirFd. */
export function openOrCreateSubdirectory(dirFd: number, name: string, path: string, owner: Owner): number {
  let created = false;
  try {
    mkdirSync(inDirectory(dirFd, name), { mode: 0o750 });
    created = true;
  } catch (error) {
    if (code(error) !== "EEXIST") throw refusal(path, error, inDirectory(dirFd, name));
  }
  let fd: number;
  try {
    fd = openSync(inDirectory(dirFd, name), DIRECTORY_FLAGS);
  } catch (error) {
    throw refusal(path, error, inDirectory(dirFd, name));
  }
  if (created) {
    fchownSync(fd, owner.uid, owner.gid);
    fchmodSync(fd, 0o750);
  }
  return checked(fd, path, (stats) => ownerReason(stats, [owner.uid], owner));
}

/** Opens the file `name` of dirFd for appending, creating it 0640 for owner; refuses anything but the owner's own plain file. */
export function openAppendFile(dirFd: number, name: string, path: string, owner: Owner): number {
  let fd: number | null = null;
  try {
    fd = openSync(inDirectory(dirFd, name), FILE_FLAGS | O_CREAT | O_EXCL, 0o640);
  } catch (error) {
    if (code(error) !== "EEXIST") throw refusal(path, error, inDirectory(dirFd, name));
  }
  if (fd === null) {
    try {
      fd = openSync(inDirectory(dirFd, name), FILE_FLAGS);
    } catch (error) {
      throw refusal(path, error, inDirectory(dirFd, name));
    }
  } else {
    fchownSync(fd, owner.uid, owner.gid);
    fchmodSync(fd, 0o640);
  }
  return checked(fd, path, (stats) => {
    if (!stats.isFile()) return "is not a regular file";
    // A hard link would make root append to a file the user does not own or cannot see.
    if (stats.nlink !== 1) return `has ${stats.nlink} hard links`;
    return ownerReason(stats, [owner.uid], owner);
  });
}

export { closeQuietly };
