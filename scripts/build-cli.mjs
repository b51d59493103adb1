// Builds the `vigil` command into one JavaScript file (cli/build/vigil.mjs) with esbuild, so that it
// starts without compiling TypeScript: the workspace packages are bundled, npm packages stay imports.
// Run by `npm ci` / `npm install` (the root package's prepare script) and by `npm run build`.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Bare imports other than the workspace's own @vigil/* packages are left to Node to resolve. */
const externalPackages = {
  name: "external-packages",
  setup(context) {
    context.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@vigil/") ? undefined : { path: args.path, external: true }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: ["cli/src/main.ts"],
  // Commands import their heavy parts (database, agent) lazily; splitting keeps those out of the
  // chunk every call loads, so `vigil --version` or `vigil service ls` start fast.
  outdir: "cli/build",
  entryNames: "vigil",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  plugins: [externalPackages],
});

// Every import the bundle leaves to Node must resolve from where the bundle lives (cli/package.json
// lists them): a bundle that cannot start fails the install, not the user's first command.
const check = spawnSync(process.execPath, [`${root}cli/build/vigil.mjs`, "--version"], { encoding: "utf8" });
if (check.status !== 0) {
  process.stderr.write(`build-cli: the bundle does not start:\n${check.stderr}`);
  process.exit(1);
}
