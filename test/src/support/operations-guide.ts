// Reads docs/operations.md as the tests that keep it true need it: its shell steps (fenced blocks
// whose info string is `sh guide:<machine>[:daemon]`, plus the `guide:settings` block every step
// starts from) and the rows of its settings tables (key, default cell), section by section.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const REPO = new URL("../../../", import.meta.url).pathname;
export const GUIDE_PATH = join(REPO, "docs/operations.md");
export const UNITS_DIR = join(REPO, "deploy/systemd");

export interface GuideStep {
  /** "coordinator", or the host the step runs on. */
  readonly machine: string;
  /** A long-running command (run by a systemd unit in production) rather than a one-shot step. */
  readonly daemon: boolean;
  readonly script: string;
  /** 1-based line of the opening fence, for failure messages. */
  readonly line: number;
}

export interface OperationsGuide {
  readonly settings: string;
  readonly steps: readonly GuideStep[];
  /** Heading text of each `### ` section -> its table rows: key (without backticks) -> default cell. */
  readonly tables: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly text: string;
}

const FENCE = /^```(\S*)(?:[ \t]+(\S+))?[ \t]*$/;
const STEP = /^guide:([a-z0-9-]+)(:daemon)?$/;

export function readOperationsGuide(path = GUIDE_PATH): OperationsGuide {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const steps: GuideStep[] = [];
  let settings: string | undefined;
  const tables = new Map<string, Map<string, string>>();
  let section = "";
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const fence = FENCE.exec(line);
    if (fence !== null && fence[1] !== "") {
      const body: string[] = [];
      const opened = index + 1;
      for (index++; index < lines.length && lines[index] !== "```"; index++) body.push(lines[index]!);
      const marker = fence[2] ?? "";
      if (fence[1] !== "sh" || !marker.startsWith("guide:")) continue;
      if (marker === "guide:settings") {
        settings = body.join("\n");
        continue;
      }
      const step = STEP.exec(marker);
      if (step === null) throw new Error(`${path}:${opened}: unknown step marker ${marker}`);
      steps.push({ machine: step[1]!, daemon: step[2] !== undefined, script: body.join("\n"), line: opened });
      continue;
    }
    if (line.startsWith("### ")) section = line.slice(4).trim();
    const row = /^\| `([a-z0-9_.]+)` \| ([^|]+) \|/.exec(line);
    if (row !== null && section !== "") {
      const rows = tables.get(section) ?? new Map<string, string>();
      if (rows.has(row[1]!)) throw new Error(`${path}: ${row[1]} appears twice in "${section}"`);
      rows.set(row[1]!, row[2]!.trim());
      tables.set(section, rows);
    }
  }
  if (settings === undefined) throw new Error(`${path}: no \`sh guide:settings\` block`);
  return { settings, steps, tables, text };
}

/** The default cell as a value: a single `literal` is YAML; "required", "none" and prose are kept as they are. */
export type DocumentedDefault = { readonly kind: "literal"; readonly text: string } | { readonly kind: "required" } | { readonly kind: "none" } | { readonly kind: "prose"; readonly text: string };

export function documentedDefault(cell: string): DocumentedDefault {
  const literal = /^`([^`]+)`$/.exec(cell);
  if (literal !== null) return { kind: "literal", text: literal[1]! };
  if (cell === "required") return { kind: "required" };
  if (cell === "none") return { kind: "none" };
  return { kind: "prose", text: cell };
}
