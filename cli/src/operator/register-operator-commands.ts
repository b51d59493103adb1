// Registers every operator verb on the `vigil` program: services, logs/ps/events, hosts,
// accounts, ports, firewall rules, tokens, login, and the declarative apply/import.
import { type Command } from "commander";
import { registerDeclarativeCommands } from "../declarative/declarative-commands.js";
import { registerLoginCommand } from "./login-command.js";
import { registerObserveCommands } from "./observe-commands.js";
import { registerResourceCommands } from "./resource-commands.js";
import { registerServiceCommands } from "./service-commands.js";

export function registerOperatorCommands(program: Command): void {
  registerServiceCommands(program);
  registerObserveCommands(program);
  registerResourceCommands(program);
  registerDeclarativeCommands(program);
  registerLoginCommand(program);
}
