// Entry point of the `vigil` command (cli/bin/vigil.mjs runs its bundle; `npm run vigil --` runs it
// through tsx). Turns an uncaught failure into one line and a non-zero exit.
import { VIGIL_VERSION } from "./version.js";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Answered before the program (gRPC, protocol code) is even loaded: scripts call this often.
  process.stdout.write(`${VIGIL_VERSION}\n`);
} else {
  const { buildProgram } = await import("./program.js");
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    process.stderr.write(`vigil: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = process.exitCode || 1;
  }
}
