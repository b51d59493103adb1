// `vigil login --address A --token-file F`: checks that the coordinator accepts the token, then saves
// them (and an optional default account) to the client config file so later commands need no flags.
import { type Command, Option } from "commander";
import { readTokenFile } from "../run/secret-flags.js";
import { AdminSession } from "./admin-session.js";
import { cliIo } from "../io/cli-io.js";
import { usageError } from "./cli-error.js";
import { clientConfigPath, writeClientConfig } from "./client-config.js";
import { configureGroup, refuseTokenOnArgv } from "./command-kit.js";

export function registerLoginCommand(program: Command): void {
  configureGroup(program.command("login"))
    .description("check an address and token and save them in the config file ($VIGIL_CLIENT_CONFIG or ~/.config/vigil/config.json)")
    .option("--address <host:port>", "coordinator address (env VIGIL_ADDRESS)")
    .option("--token-file <path>", "file holding the bearer token, mode 0600 (env VIGIL_TOKEN_FILE; or the token in env VIGIL_TOKEN)")
    .addOption(new Option("--token <token>").hideHelp())
    .option("--ca-file <path>", "the coordinator's CA certificate: connect over TLS (env VIGIL_CA_FILE); saved with the address")
    .option("--account <name>", "default account for commands that name none (env VIGIL_ACCOUNT)")
    .option("--json", "print JSON for scripts instead of text")
    .action(async (options: { address?: string; token?: string; tokenFile?: string; caFile?: string; account?: string; json?: boolean }) => {
      refuseTokenOnArgv(options.token);
      const io = cliIo();
      const address = options.address || io.env["VIGIL_ADDRESS"];
      const tokenFile = options.tokenFile || io.env["VIGIL_TOKEN_FILE"];
      const token = (tokenFile ? readTokenFile(tokenFile, "token_file") : "") || io.env["VIGIL_TOKEN"];
      const caFile = options.caFile || io.env["VIGIL_CA_FILE"];
      if (!address) throw usageError("address: is required (--address or VIGIL_ADDRESS)");
      if (!token) throw usageError("token: is required (--token-file, VIGIL_TOKEN_FILE or VIGIL_TOKEN)");
      const session = new AdminSession({ address, token, ...(caFile && { caFile }) });
      try {
        await session.call("listServices");
      } finally {
        session.close();
      }
      const path = clientConfigPath(io.env);
      const account = options.account || io.env["VIGIL_ACCOUNT"];
      await writeClientConfig(path, { address, token, ...(account && { account }), ...(caFile && { caFile }) });
      // The token stays out of the output: it is in the file, and output ends up in logs.
      if (options.json) io.stdout.write(`${JSON.stringify({ address, config: path, ...(account && { account }) })}\n`);
      else io.stdout.write(`logged in to ${address}; saved to ${path}\n`);
    });
}
