// Where a launch's tracking cgroup sits: <root>/<escaped account>/<escaped unit>, so every launch
// of an account shares one account cgroup (which carries the account's limits on cgroup v2).
import { readdirSync, rmdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { escapeUnit } from "./unit-name.js";

/** Units are "<account>/<service>[.health]"; a unit without "/" is its own account. */
export function accountOfUnit(unit: string): string {
  const slash = unit.indexOf("/");
  return slash <= 0 ? unit : unit.slice(0, slash);
}

export function accountCgroupPath(root: string, account: string): string {
  return join(root, escapeUnit(account));
}

export function unitCgroupPath(root: string, unit: string): string {
  return join(accountCgroupPath(root, accountOfUnit(unit)), escapeUnit(unit));
}

function directories(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/**
 * Every unit cgroup under the root, with its escaped unit name. Before account nesting, unit
 * cgroups sat right under the root: an escaped unit always contains "%2F" (its "/") and an escaped
 * account never does (account names are [a-z0-9-]), so those are still found after an upgrade.
 */
export function listUnitCgroups(root: string): { readonly name: string; readonly path: string }[] {
  const units: { name: string; path: string }[] = [];
  for (const top of directories(root)) {
    const path = join(root, top);
    if (top.includes("%2F")) units.push({ name: top, path });
    else for (const name of directories(path)) units.push({ name, path: join(path, name) });
  }
  return units;
}

/** Removes the unit's account cgroup once its last unit is gone; in use or already gone: left as is. */
export function releaseAccountCgroup(root: string, unitPath: string): void {
  const account = dirname(unitPath);
  // A unit of the flat layout (an earlier version) sits right under the root: no account cgroup.
  if (dirname(account) !== root) return;
  try {
    rmdirSync(account);
  } catch (error) {
    if (!["ENOENT", "EBUSY", "ENOTEMPTY"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
  }
}
