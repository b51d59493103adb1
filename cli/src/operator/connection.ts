// Where the CLI connects and with which token: flags, then VIGIL_ADDRESS / VIGIL_TOKEN, then the
// config file. A missing address or token is a usage error that says how to provide it. The
// default account (VIGIL_ACCOUNT, then the file) applies when a command names none.
import { type ClientConfig, clientConfigPath, readClientConfig } from "./client-config.js";
import { usageError } from "./cli-error.js";

export interface ConnectionFlags {
  readonly address?: string;
  readonly token?: string;
  readonly account?: string;
}

export interface Connection {
  readonly address: string;
  readonly token: string;
  /** "" lets an account token default to its own account. */
  readonly account: string;
}

export function pickConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv, file: ClientConfig): Connection {
  const address = flags.address || env["VIGIL_ADDRESS"] || file.address;
  const token = flags.token || env["VIGIL_TOKEN"] || file.token;
  if (!address) throw usageError("address: not set (use --address, VIGIL_ADDRESS, or `vigil login`)");
  if (!token) throw usageError("token: not set (use --token, VIGIL_TOKEN, or `vigil login`)");
  const account = flags.account || env["VIGIL_ACCOUNT"] || file.account || "";
  return { address, token, account };
}

export async function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const needFile =
    !(flags.address || env["VIGIL_ADDRESS"]) || !(flags.token || env["VIGIL_TOKEN"]) || !(flags.account || env["VIGIL_ACCOUNT"]);
  return pickConnection(flags, env, needFile ? await readClientConfig(clientConfigPath(env)) : {});
}
