// `vigil log-keeper` (hidden): the host's log keeper, started by `vigil agent` itself; reads every
// service's output pipe into its log file so that a kill -9 or an upgrade of the agent loses no line.
import { type Command, Option } from "commander";

export function registerLogKeeperCommand(program: Command): void {
  program
    .command("log-keeper", { hidden: true })
    .description("read the services' output into their logs for the agent on --state-dir (the agent starts it)")
    .requiredOption("--state-dir <dir>", "the agent's state directory")
    .addOption(new Option("--protocol <version>", "speak this protocol version (tests of an upgrade)").argParser(Number).hideHelp())
    .action(async (options: { stateDir: string; protocol?: number }) => {
      const { runLogKeeperProcess } = await import("../run/run-log-keeper.js");
      await runLogKeeperProcess(options);
    });
}
