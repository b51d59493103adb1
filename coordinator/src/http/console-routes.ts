// Serves the web console (coordinator/console: HTML, CSS, one ES module, no build step) on the
// HTTP API's listener. The files are read once at start; the console only talks to the API.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type FastifyInstance } from "fastify";

const FILES = [
  { url: "/", file: "index.html", type: "text/html; charset=utf-8" },
  { url: "/console/console.css", file: "console.css", type: "text/css; charset=utf-8" },
  { url: "/console/console.js", file: "console.js", type: "text/javascript; charset=utf-8" },
] as const;

/** Found through the package, so that it resolves from the sources and from the CLI's bundle alike. */
function consoleDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@vigil/coordinator/package.json")), "console");
}

const HEADERS = {
  // Only its own files and the API; the token never leaves for another origin.
  "content-security-policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

export function registerConsoleRoutes(app: FastifyInstance): void {
  const dir = consoleDir();
  for (const { url, file, type } of FILES) {
    const body = readFileSync(join(dir, file));
    app.get(url, { schema: { hide: true } }, (_request, reply) => reply.headers({ ...HEADERS, "content-type": type }).send(body));
  }
}
