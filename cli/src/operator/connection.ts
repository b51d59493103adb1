// Where the CLI connects and with which token: flags, then VIGIL_ADDRESS / VIGIL_TOKEN, then the
// config file. A missing address or token is a usage error that says how to provide it. The
// default account (VIGIL_ACCOUNT, then the file) applies when a command names none.
import { type ClientConfig, clientConfigPath, readClientConfig } from "./client-config.js";
import { usageError } from "./cli-error.js";
import { readTokenFile } from "../run/secret-flags.js";

export interface ConnectionFlags {
  readonly address?: string;
  readonly token?: string;
  /** A file holding the token (mode 0600 or 0400): keeps it off the command line. */
  readonly tokenFile?: string;
  /** The coordinator's CA certificate: the connection is TLS and verifies the coordinator with it. */
  readonly caFile?: string;
  readonly account?: string;
}

export interface Connection {
  readonly address: string;
  readonly token: string;
  /** PEM path of the CA to verify the coordinator with; "" for plaintext (loopback). */
  readonly caFile: string;
  /** "" lets an account token default to its own account. */
  readonly account: string;
}

export function pickConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv, file: ClientConfig): Connection {
  const address = flags.address || env["VIGIL_ADDRESS"] || file.address;
  const tokenFile = flags.tokenFile || env["VIGIL_TOKEN_FILE"];
  const token = flags.token || (tokenFile ? readTokenFile(tokenFile, "token_file") : "") || env["VIGIL_TOKEN"] || file.token;
  if (!address) throw usageError("address: not set (use --address, VIGIL_ADDRESS, or `vigil login`)");
  if (!token) throw usageError("token: not set (use --token-file, VIGIL_TOKEN, or `vigil login`)");
  const account = flags.account || env["VIGIL_ACCOUNT"] || file.account || "";
  const caFile = flags.caFile || env["VIGIL_CA_FILE"] || file.caFile || "";
  return { address, token, account, caFile };
}

export async function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const needFile =
    !(flags.address || env["VIGIL_ADDRESS"]) ||
    !(flags.token || flags.tokenFile || env["VIGIL_TOKEN_FILE"] || env["VIGIL_TOKEN"]) ||
    !(flags.account || env["VIGIL_ACCOUNT"]) ||
    !(flags.caFile || env["VIGIL_CA_FILE"]);
  return pickConnection(flags, env, needFile ? await readClientConfig(clientConfigPath(env)) : {});
}
