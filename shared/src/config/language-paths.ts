// language_paths: which directory a language version variable selects, e.g.
// { NODEJS_VERSION: { "20": "/opt/node/20/bin" } }; the agent prepends it to the service's PATH.
import { type ConfigSection, isAbsolutePath, isVariableName } from "./config-readers.js";

/** variable name -> version -> directories to prepend to PATH (first wins). */
export type LanguagePaths = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export function compileLanguagePaths(root: ConfigSection): LanguagePaths {
  const section = root.section("language_paths");
  const compiled: Record<string, Record<string, readonly string[]>> = {};
  for (const variable of Object.keys(section.input)) {
    if (!isVariableName(variable)) {
      section.fail(variable, "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
      continue;
    }
    const versionSection = section.section(variable);
    const byVersion: Record<string, readonly string[]> = {};
    for (const [version, dirs] of Object.entries(versionSection.input)) {
      const list = typeof dirs === "string" ? [dirs] : dirs;
      if (version === "" || !Array.isArray(list) || list.length === 0 || !list.every(isPathEntry)) {
        versionSection.fail(version, "must be an absolute directory without ':' or a non-empty list of them");
        continue;
      }
      byVersion[version] = list;
    }
    compiled[variable] = byVersion;
  }
  return compiled;
}

function isPathEntry(value: unknown): value is string {
  return typeof value === "string" && isAbsolutePath(value) && !value.includes(":");
}
