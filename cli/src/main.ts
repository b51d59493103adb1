// Entry point of the `vigil` command (`node --import tsx cli/src/main.ts` or `npm run vigil --`).
// Runs the program and exits with its code (a server command may also have set one on its own).
import { runVigil } from "./run-vigil.js";

const code = await runVigil(process.argv.slice(2));
process.exitCode = code || process.exitCode || 0;
