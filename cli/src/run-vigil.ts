// One run of the `vigil` program: parses argv, runs the command, and turns a failure into one line
// on stderr; answers the exit code instead of exiting, so tests can run it in-process too.
import { CommanderError } from "commander";
import { cliIo } from "./io/cli-io.js";
import { CliError } from "./operator/cli-error.js";
import { buildProgram } from "./program.js";

/** `argv` without node and the script: `["service", "ls", "--json"]`. */
export async function runVigil(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    // Commander has already printed its usage error or the help it was asked for.
    if (error instanceof CommanderError) return error.exitCode;
    cliIo().stderr.write(`vigil: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
