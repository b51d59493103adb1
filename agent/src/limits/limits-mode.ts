// Detects at agent start how this host can enforce limits: cgroup v2 with the memory, pids and cpu
// controllers, else the v1 memory, pids and cpu hierarchies, else not at all (and says what is missing).
import { accessSync, constants, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LimitController } from "./cgroup-limit-plan.js";

export const LIMITS_MODES = ["cgroup-v2", "cgroup-v1", "none"] as const;
export type LimitsModeName = (typeof LIMITS_MODES)[number];

const CONTROLLERS: readonly LimitController[] = ["memory", "pids", "cpu"];

export type LimitsMode =
  | { readonly mode: "cgroup-v2"; readonly unified: string; readonly detail: string }
  /** cpuacct is optional: only CPU usage is read from it. */
  | { readonly mode: "cgroup-v1"; readonly hierarchies: Readonly<Record<LimitController, string>>; readonly cpuacct: string | null; readonly detail: string }
  | { readonly mode: "none"; readonly detail: string };

interface Mount {
  readonly point: string;
  readonly type: string;
  readonly options: readonly string[];
}

function unescapeMount(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseMounts(text: string): Mount[] {
  return text
    .split("\n")
    .map((line) => line.split(" "))
    .filter((fields) => fields.length >= 4)
    .map(([, point, type, options]) => ({ point: unescapeMount(point ?? ""), type: type ?? "", options: (options ?? "").split(",") }));
}

/** What the host offers, from the mount table and the v2 root's cgroup.controllers: pure. */
export function chooseLimitsMode(mounts: readonly Mount[], v2Controllers: (unified: string) => readonly string[]): LimitsMode {
  const unified = mounts.find((mount) => mount.type === "cgroup2")?.point;
  const available = unified === undefined ? [] : v2Controllers(unified);
  const v2Missing = CONTROLLERS.filter((controller) => !available.includes(controller));
  if (unified !== undefined && v2Missing.length === 0) return { mode: "cgroup-v2", unified, detail: `cgroup v2 at ${unified}` };
  const v1 = (controller: string): string | undefined => mounts.find((mount) => mount.type === "cgroup" && mount.options.includes(controller))?.point;
  const v1Missing = CONTROLLERS.filter((controller) => v1(controller) === undefined);
  if (v1Missing.length === 0) {
    const hierarchies = { memory: v1("memory") ?? "", pids: v1("pids") ?? "", cpu: v1("cpu") ?? "" };
    const detail = unified === undefined ? "cgroup v1 hierarchies" : `cgroup v1 hierarchies (the v2 hierarchy at ${unified} lacks ${v2Missing.join(", ")})`;
    return { mode: "cgroup-v1", hierarchies, cpuacct: v1("cpuacct") ?? null, detail };
  }
  const v2Part = unified === undefined ? "no cgroup v2 hierarchy" : `cgroup v2 lacks ${v2Missing.join(", ")}`;
  return { mode: "none", detail: `${v2Part}; cgroup v1 lacks ${v1Missing.join(", ")}` };
}

function readControllers(unified: string): string[] {
  try {
    return readFileSync(join(unified, "cgroup.controllers"), "utf8").trim().split(/\s+/);
  } catch {
    return [];
  }
}

/** The host's mode, and "none" when the agent may not write there (not root, read-only cgroupfs). */
export function detectLimitsMode(mountsPath = "/proc/self/mounts"): LimitsMode {
  let text: string;
  try {
    text = readFileSync(mountsPath, "utf8");
  } catch (error) {
    return { mode: "none", detail: `cannot read ${mountsPath}: ${(error as Error).message}` };
  }
  const found = chooseLimitsMode(parseMounts(text), readControllers);
  const writable = found.mode === "cgroup-v2" ? [found.unified] : found.mode === "cgroup-v1" ? Object.values(found.hierarchies) : [];
  for (const dir of writable) {
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      return { mode: "none", detail: `${found.detail} found, but ${dir} is not writable by the agent` };
    }
  }
  return found;
}
