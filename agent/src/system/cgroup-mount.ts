// Finds where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup on pure v2 hosts,
// /sys/fs/cgroup/unified on hybrid ones) from the mount table.
import { readFileSync } from "node:fs";

/** The first cgroup2 mount point in /proc/self/mounts text, or null when the host has none. */
export function parseCgroup2Mount(mounts: string): string | null {
  for (const line of mounts.split("\n")) {
    const [, mountPoint, fsType] = line.split(" ");
    // The mount table escapes spaces and other odd bytes as octal: \040.
    if (fsType === "cgroup2" && mountPoint) return mountPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  }
  return null;
}

export function findCgroup2Mount(mountsPath = "/proc/self/mounts"): string | null {
  try {
    return parseCgroup2Mount(readFileSync(mountsPath, "utf8"));
  } catch {
    return null;
  }
}
