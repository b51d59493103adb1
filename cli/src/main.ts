// Entry point of the `vigil` command (cli/bin/vigil.mjs runs its bundle; `npm run vigil --` runs it
// through tsx). Runs the program and exits with its code (a server command may also set one itself).
import { VIGIL_VERSION } from "./version.js";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Answered before the program (gRPC, protocol code) is even loaded: scripts call this often.
  process.stdout.write(`${VIGIL_VERSION}\n`);
} else {
  const { runVigil } = await import("./run-vigil.js");
  const code = await runVigil(args);
  process.exitCode = code || process.exitCode || 0;
}
