// Reads the agent's host configuration file (JSON or YAML) and compiles it; the state directory of
// the command line wins over the file's, so one flag moves everything the agent keeps.
import { readFileSync } from "node:fs";
import { type CompiledHostConfig, compileHostConfig } from "@vigil/shared";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./load-settings.js";

export function loadHostConfig(path: string | null, stateDir: string): CompiledHostConfig {
  let input: Record<string, unknown> = {};
  if (path !== null) {
    try {
      const text = readFileSync(path, "utf8");
      input = ((path.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`host_config: cannot read ${path}: ${(error as Error).message}`);
    }
  }
  const compiled = compileHostConfig({ ...input, state_dir: stateDir });
  if (!compiled.ok) throw new ConfigError(compiled.errors.map((error) => `host_config.${error.field}: ${error.rule}`).join("; "));
  return compiled.value;
}
