// Entry point of the `vigil` command (`node --import tsx cli/src/main.ts` or `npm run vigil --`).
// Builds the commander program and turns an uncaught failure into one line and a non-zero exit.
import { buildProgram } from "./program.js";

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`vigil: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = process.exitCode || 1;
}
