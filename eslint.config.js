// Lint rules for the whole workspace, including the package dependency rule of DESIGN.md:
// shared imports no other package; agent and coordinator never import each other.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import globals from "globals";

const forbid = (...packages) => ({
  "no-restricted-imports": [
    "error",
    { patterns: packages.map((name) => ({ group: [name, `${name}/*`], message: `this package may not import ${name} (DESIGN.md dependency rule)` })) },
  ],
});

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "cli/build/**", "shared/src/gen/**", "bench/.peers/**", "bench/results/**", "coordinator/drizzle/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ["coordinator/drizzle.config.ts"] }, tsconfigRootDir: import.meta.dirname } },
    plugins: { "import-x": importX },
    settings: { "import-x/parsers": { "@typescript-eslint/parser": [".ts"] }, "import-x/resolver-next": [createTypeScriptImportResolver({ project: ["*/tsconfig.json"], noWarnOnMultipleProjects: true })] },
    rules: {
      // node:test's test/describe/it return promises the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "describe", "it", "suite", "before", "after", "beforeEach", "afterEach"] }] },
      ],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "import-x/no-cycle": "error",
    },
  },
  { files: ["shared/**/*.ts"], rules: forbid("@vigil/agent", "@vigil/coordinator", "@vigil/cli", "@vigil/test") },
  { files: ["agent/**/*.ts"], rules: forbid("@vigil/coordinator", "@vigil/cli", "@vigil/test") },
  { files: ["coordinator/**/*.ts"], rules: forbid("@vigil/agent", "@vigil/cli", "@vigil/test") },
  { files: ["**/*.mjs", "**/*.js"], languageOptions: { globals: { console: "readonly", process: "readonly", URL: "readonly" } } },
  // The web console runs in the browser, as plain ES modules without a build step.
  { files: ["coordinator/console/**/*.js"], languageOptions: { sourceType: "module", globals: globals.browser } },
);
