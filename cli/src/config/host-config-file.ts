// Reads the agent's host configuration file (JSON or YAML) and compiles it. The state directory is
// the agent's setting (state_dir, --state-dir): a file naming another one is refused, never ignored.
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
  const named = input["state_dir"];
  if (named !== undefined && named !== stateDir) {
    throw new ConfigError(`host_config.state_dir: ${JSON.stringify(named)} differs from the agent's state_dir ${stateDir}; the state directory is set once, by the agent's state_dir (--state-dir, VIGIL_STATE_DIR): remove it from the host config`);
  }
  const compiled = compileHostConfig({ ...input, state_dir: stateDir });
  if (!compiled.ok) throw new ConfigError(compiled.errors.map((error) => `host_config.${error.field}: ${error.rule}`).join("; "));
  return compiled.value;
}
