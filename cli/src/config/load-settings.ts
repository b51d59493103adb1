// Gathers a server command's settings from its three sources — flags win over VIGIL_* environment
// variables, which win over the optional --config file (JSON or YAML) — as one snake_case record.
import { readFileSync } from "node:fs";
import { type Compiled, formatFieldErrors } from "@vigil/shared";
import { parse as parseYaml } from "yaml";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function camelCase(setting: string): string {
  return setting.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`config: cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config: ${path} is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw new ConfigError(`config: ${path} must hold an object of settings`);
  return parsed as Record<string, unknown>;
}

/** Numbers from the environment arrive as text; settings ending in _ms or _days, or starting with max_, are read as numbers. */
function fromEnvironment(setting: string, text: string): unknown {
  return (setting.endsWith("_ms") || setting.endsWith("_days") || setting.startsWith("max_")) && /^\d+$/.test(text) ? Number(text) : text;
}

export function loadSettings(known: readonly string[], flags: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const configPath = (flags["config"] as string | undefined) ?? env["VIGIL_CONFIG"];
  const settings: Record<string, unknown> = configPath ? readConfigFile(configPath) : {};
  for (const setting of known) {
    const fromEnv = env[`VIGIL_${setting.toUpperCase()}`];
    if (fromEnv !== undefined && fromEnv !== "") settings[setting] = fromEnvironment(setting, fromEnv);
    const fromFlag = flags[camelCase(setting)];
    if (fromFlag !== undefined) settings[setting] = fromFlag;
  }
  return settings;
}

/** The compiled value, or a ConfigError listing every broken field on one line. */
export function requireConfig<T>(compiled: Compiled<T>): T {
  if (!compiled.ok) throw new ConfigError(formatFieldErrors(compiled.errors));
  return compiled.value;
}

/** Runs a server command; a configuration error prints one line and exits with code 2. */
export async function withConfigErrors(command: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`vigil ${command}: ${error.message}\n`);
    process.exitCode = 2;
  }
}
