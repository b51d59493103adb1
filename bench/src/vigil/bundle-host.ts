// Builds the Vigil host process into one plain-JS file (esbuild), so that it runs on bare Node the
// way a deployed agent would: no TypeScript loader in the process whose RSS and CPU are measured.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const entry = fileURLToPath(new URL("./host-process.ts", import.meta.url));
const outDir = fileURLToPath(new URL("../../.peers/vigil/", import.meta.url));

export async function bundleVigilHost(): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = `${outDir}host-process.mjs`;
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Workspace packages are bundled from source; npm dependencies are loaded from node_modules, and
    // only when used: the package index also exports the gRPC/NATS transport, which supervision never loads.
    plugins: [
      {
        name: "external-npm",
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@vigil/") ? undefined : { path: args.path, external: true, sideEffects: false }));
        },
      },
    ],
    logLevel: "warning",
  });
  return outfile;
}
