// `vigil login --address A --token T`: checks that the coordinator accepts the token, then saves
// them (and an optional default account) to the client config file so later commands need no flags.
import { type Command } from "commander";
import { AdminSession } from "./admin-session.js";
import { cliIo } from "../io/cli-io.js";
import { usageError } from "./cli-error.js";
import { clientConfigPath, writeClientConfig } from "./client-config.js";
import { configureGroup } from "./command-kit.js";

export function registerLoginCommand(program: Command): void {
  configureGroup(program.command("login"))
    .description("check an address and token and save them in the config file ($VIGIL_CLIENT_CONFIG or ~/.config/vigil/config.json)")
    .option("--address <host:port>", "coordinator address (env VIGIL_ADDRESS)")
    .option("--token <token>", "bearer token (env VIGIL_TOKEN)")
    .option("--account <name>", "default account for commands that name none (env VIGIL_ACCOUNT)")
    .option("--json", "print JSON for scripts instead of text")
    .action(async (options: { address?: string; token?: string; account?: string; json?: boolean }) => {
      const io = cliIo();
      const address = options.address || io.env["VIGIL_ADDRESS"];
      const token = options.token || io.env["VIGIL_TOKEN"];
      if (!address) throw usageError("address: is required (--address or VIGIL_ADDRESS)");
      if (!token) throw usageError("token: is required (--token or VIGIL_TOKEN)");
      const session = new AdminSession({ address, token });
      try {
        await session.call("listServices");
      } finally {
        session.close();
      }
      const path = clientConfigPath(io.env);
      const account = options.account || io.env["VIGIL_ACCOUNT"];
      await writeClientConfig(path, { address, token, ...(account && { account }) });
      // The token stays out of the output: it is in the file, and output ends up in logs.
      if (options.json) io.stdout.write(`${JSON.stringify({ address, config: path, ...(account && { account }) })}\n`);
      else io.stdout.write(`logged in to ${address}; saved to ${path}\n`);
    });
}
