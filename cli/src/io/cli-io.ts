// The streams, environment and directory one run of the `vigil` CLI uses: the process's own, or
// those a test gives an in-process run (AsyncLocalStorage keeps concurrent runs apart).
import { AsyncLocalStorage } from "node:async_hooks";
import { resolve } from "node:path";

export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

const storage = new AsyncLocalStorage<CliIo>();

export function cliIo(): CliIo {
  return storage.getStore() ?? { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export function withCliIo<T>(io: CliIo, body: () => T): T {
  return storage.run(io, body);
}

/** The root package.json scripts that run this CLI (`npm run vigil -- ...`, `npm run up`). */
const OWN_NPM_SCRIPTS: readonly string[] = ["vigil", "up"];

/**
 * A path the user typed, made absolute against the directory they typed it in. `npm run vigil`
 * runs in the package's directory; npm sets INIT_CWD to the directory it was invoked from. Only
 * for our own scripts: a CLI started by another script (`npm test`) inherits a stale INIT_CWD.
 */
export function userPath(path: string, io: CliIo = cliIo()): string {
  const ownScript = OWN_NPM_SCRIPTS.includes(io.env["npm_lifecycle_event"] ?? "");
  return resolve((ownScript && io.env["INIT_CWD"]) || io.cwd, path);
}
