// Finds a log file and its rotated generations ("name.log.1" is older than "name.log", ".2" older
// still), oldest first, which is the order in which their lines were written.
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function rotatedLogFiles(current: string): string[] {
  const dir = dirname(current);
  const base = basename(current);
  if (!existsSync(dir)) return [];
  const generations = readdirSync(dir)
    .map((entry) => (entry.startsWith(`${base}.`) ? Number(entry.slice(base.length + 1)) : NaN))
    .filter((generation) => Number.isInteger(generation) && generation > 0)
    .sort((a, b) => b - a);
  const files = generations.map((generation) => join(dir, `${base}.${generation}`));
  return existsSync(current) ? [...files, current] : files;
}
