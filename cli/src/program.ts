// The `vigil` commander program: the server commands (up, coordinator, agent) and the operator
// verbs. Each command registers itself from its own file so that adding one is a one-line edit here.
import { Command } from "commander";
import { cliIo } from "./io/cli-io.js";
import { registerAgentCommand } from "./commands/agent.js";
import { registerCoordinatorCommand } from "./commands/coordinator.js";
import { registerLogKeeperCommand } from "./commands/log-keeper.js";
import { registerNatsConfigCommand } from "./commands/nats-config.js";
import { registerUpCommand } from "./commands/up.js";
import { registerOperatorCommands } from "./operator/register-operator-commands.js";
import { VIGIL_VERSION } from "./version.js";

export { VIGIL_VERSION } from "./version.js";

export function buildProgram(): Command {
  const program = new Command("vigil")
    .description("Vigil: supervise the long-lived services of a hosting platform")
    .version(VIGIL_VERSION)
    .showHelpAfterError()
    // Subcommands inherit these: every line goes to the run's own streams, and a usage error or
    // --help ends the run with a CommanderError (see runVigil) instead of process.exit.
    .configureOutput({ writeOut: (text) => void cliIo().stdout.write(text), writeErr: (text) => void cliIo().stderr.write(text), outputError: (text, write) => write(text) })
    .exitOverride();
  registerUpCommand(program);
  registerCoordinatorCommand(program);
  registerAgentCommand(program);
  registerLogKeeperCommand(program);
  registerNatsConfigCommand(program);
  // Operator verbs (service, host, account, port, firewall, token, apply, import) register below.
  registerOperatorCommands(program);
  return program;
}
