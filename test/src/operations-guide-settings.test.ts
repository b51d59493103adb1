// docs/operations.md against the code: every key of every configuration schema has a row in the
// guide's tables and no row names a key that is gone; each literal default is the one the compiler
// applies (setting it changes nothing), "required" keys are required and "none" keys are off; and
// the shipped systemd units run exactly the commands of the guide's daemon steps.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  AGENT_SETTINGS,
  compileAgentConfig,
  compileCoordinatorConfig,
  compileHostConfig,
  compileUpConfig,
  COORDINATOR_SETTINGS,
  HOST_CONFIG_SETTINGS,
  LIMIT_FIELDS,
  LIMITS_SETTINGS,
  LOG_ROTATION_SETTINGS,
  RESTART_POLICY_SETTINGS,
  UP_SETTINGS,
} from "@vigil/shared";
import { parse as parseYaml } from "yaml";
import { documentedDefault, readOperationsGuide, UNITS_DIR } from "./support/operations-guide.js";

const guide = readOperationsGuide();

type Compile = (input: Record<string, unknown>) => { ok: boolean; value?: unknown; errors?: readonly { field: string; rule: string }[] };

interface Schema {
  readonly section: string;
  readonly keys: readonly string[];
  /** The least input that compiles: the required keys. */
  readonly base: Record<string, unknown>;
  readonly compile: Compile;
}

/** Sections of the host configuration are documented key by key (`log_rotation.max_bytes`); limit sets as a whole. */
const SECTIONS: Readonly<Record<string, readonly string[]>> = { restart_policy: RESTART_POLICY_SETTINGS, log_rotation: LOG_ROTATION_SETTINGS, limits: LIMITS_SETTINGS };
const hostKeys = HOST_CONFIG_SETTINGS.flatMap((key) => (SECTIONS[key] ?? [""]).map((sub) => (sub === "" ? key : `${key}.${sub}`)));

const SCHEMAS: readonly Schema[] = [
  { section: "`vigil coordinator`", keys: COORDINATOR_SETTINGS, base: { database_url: "postgres://db/vigil", nats_url: "nats://n:4222" }, compile: (input) => compileCoordinatorConfig(input) },
  { section: "`vigil agent`", keys: AGENT_SETTINGS, base: { coordinator: "c:7465", nats_url: "nats://n:4222" }, compile: (input) => compileAgentConfig(input, { hostName: "machine" }) },
  { section: "Host configuration (`host_config`)", keys: hostKeys, base: {}, compile: (input) => compileHostConfig(input) },
  { section: "`vigil up`", keys: UP_SETTINGS, base: {}, compile: (input) => compileUpConfig(input, { stateDir: "/home/op/.vigil" }) },
];

/** `a.b` -> { a: { b: value } }, merged into `input`. */
function withKey(input: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = key.split(".");
  if (rest.length === 0) return { ...input, [head!]: value };
  const inner = (input[head!] ?? {}) as Record<string, unknown>;
  return { ...input, [head!]: withKey(inner, rest.join("."), value) };
}

function camelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

void describe("docs/operations.md settings tables", () => {
  for (const schema of SCHEMAS) {
    void it(`${schema.section}: one row per key of the schema, each default the compiler's`, () => {
      const rows = guide.tables.get(schema.section);
      assert.ok(rows, `the guide has a "### ${schema.section}" table`);
      assert.deepEqual([...rows.keys()].sort(), [...schema.keys].sort(), "the table's keys are exactly the schema's: add a row for a new key, remove the row of a removed one");
      const plain = schema.compile(schema.base);
      assert.ok(plain.ok, `the base input compiles: ${JSON.stringify(plain.errors)}`);
      for (const [key, cell] of rows) {
        const documented = documentedDefault(cell);
        if (documented.kind === "literal") {
          const given = schema.compile(withKey(schema.base, key, parseYaml(documented.text)));
          assert.deepEqual(given, plain, `${key}: the documented default ${documented.text} is what the compiler uses when the key is absent`);
        } else if (documented.kind === "required") {
          const without = { ...schema.base };
          delete without[key];
          const compiled = schema.compile(without);
          assert.ok(!compiled.ok && compiled.errors!.some((error) => error.field === key && error.rule === "is required"), `${key} is documented as required`);
        } else if (documented.kind === "none") {
          const field = camelCase(key);
          const value = (plain.value as Record<string, unknown>)[field];
          if (field in (plain.value as object)) assert.ok(value === null || value === "" || (Array.isArray(value) && value.length === 0), `${key} is documented as off by default, but compiles to ${JSON.stringify(value)}`);
        }
      }
    });
  }

  void it("names every field a limits set takes", () => {
    for (const field of LIMIT_FIELDS) assert.match(guide.text, new RegExp(`\`${field}\``), `${field} is in the guide`);
  });
});

void describe("deploy/systemd units", () => {
  const units = readdirSync(UNITS_DIR).filter((name) => name.endsWith(".service"));
  /** A unit's command as the guide writes it: paths under /etc/vigil become $VIGIL_ETC, the binary is found on PATH. */
  const asGuideCommand = (execStart: string) =>
    execStart
      .replace(/^\/usr\/(local\/)?s?bin\//, "")
      .replace(/\/etc\/vigil(\/\S*)/g, (_, rest: string) => `"$VIGIL_ETC${rest}"`);

  void it("every unit runs the command of one of the guide's daemon steps, and every daemon step has its unit", () => {
    const daemons = new Set(guide.steps.filter((step) => step.daemon).map((step) => step.script.trim()));
    const commands = new Set<string>();
    for (const unit of units) {
      const execStart = /^ExecStart=(.+)$/m.exec(readFileSync(join(UNITS_DIR, unit), "utf8"))?.[1];
      assert.ok(execStart, `${unit} has an ExecStart`);
      const command = asGuideCommand(execStart);
      assert.ok(daemons.has(command), `${unit}: \`${command}\` is a daemon step of the guide (${[...daemons].join(" | ")})`);
      commands.add(command);
    }
    for (const daemon of daemons) assert.ok(commands.has(daemon), `the daemon step \`${daemon}\` has a unit in deploy/systemd`);
  });

  void it("the guide's unit table names each shipped unit", () => {
    for (const unit of units) assert.match(guide.text, new RegExp(`\\| \`${unit.replace(".", "\\.")}\` \\|`), unit);
  });
});
